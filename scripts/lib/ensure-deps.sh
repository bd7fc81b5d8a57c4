# Installs what a script needs when it is missing: Debian packages through apt, Python packages through pip.

ensure_apt_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# ensure_python_package MODULE PIP_NAME
ensure_python_package() {
    python3 -c "import $1" 2>/dev/null || python3 -m pip install -q "$2"
}

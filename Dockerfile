# Build: a release binary with the Swift toolchain.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY migrations ./migrations
COPY Tests ./Tests
RUN swift build -c release --product tenure --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/tenure" /tenure

# Run: a slim Debian with libsqlite3, as an unprivileged user, data in a volume.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin tenure \
    && mkdir -p /data && chown tenure /data
COPY --from=build /tenure /usr/local/bin/tenure
USER tenure
VOLUME ["/data"]
ENV TENURE_HOST=0.0.0.0 TENURE_PORT=8080 TENURE_DB=/data/tenure.sqlite
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/tenure"]
CMD ["serve"]

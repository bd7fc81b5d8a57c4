-- wrk: POSTs prepared webhook deliveries, each exactly once.
-- Usage: wrk -tN ... -s post-deliveries.lua URL -- DELIVERIES N [FIRST]
-- DELIVERIES: one per line, "PATH<TAB>HEADERS<TAB>BODY", HEADERS as "Name: value" joined by "|".
-- N: the threads sending these deliveries, in this wrk and any other at once; this wrk's threads are FIRST, FIRST + 1,
-- … (default 0). Thread t of N sends lines t, t + N, t + 2N, ... and stops when its share runs out.
local next_index = 0

function setup(thread)
    thread:set("offset", next_index)
    next_index = next_index + 1
end

function init(args)
    deliveries, position = {}, 0
    local threads, line_number = tonumber(args[2]), 0
    index = offset + tonumber(args[3] or "0")
    for line in io.lines(args[1]) do
        if line_number % threads == index then
            local path, fields, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
            local headers = {}
            for field in fields:gmatch("[^|]+") do
                local name, value = field:match("^([^:]+): (.*)$")
                headers[name] = value
            end
            table.insert(deliveries, wrk.format("POST", path, headers, body))
        end
        line_number = line_number + 1
    end
end

function request()
    position = position + 1
    if position > #deliveries then
        print("post-deliveries.lua: the deliveries ran out; give wrk more of them")
        wrk.thread:stop()
        position = 1
    end
    return deliveries[position]
end

function response(status, headers, body)
    if status ~= 200 then
        print("unexpected status " .. status .. ": " .. body)
    end
end

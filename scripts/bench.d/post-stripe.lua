-- wrk: POSTs signed Stripe deliveries to /v1/webhooks/stripe, each exactly once.
-- Usage: wrk -tN ... -s post-stripe.lua URL -- EVENTS N [FIRST]   (EVENTS: "signature<TAB>body" lines)
-- N: the threads sending these events, in this wrk and any other at once; this wrk's threads are FIRST, FIRST + 1, …
-- (default 0). Thread t of N sends lines t, t + N, t + 2N, ... and stops when its share runs out.
local next_index = 0

function setup(thread)
    thread:set("offset", next_index)
    next_index = next_index + 1
end

function init(args)
    events, position = {}, 0
    local threads, line_number = tonumber(args[2]), 0
    index = offset + tonumber(args[3] or "0")
    for line in io.lines(args[1]) do
        if line_number % threads == index then
            local signature, body = line:match("^([^\t]*)\t(.*)$")
            table.insert(events, wrk.format("POST", "/v1/webhooks/stripe",
                { ["Content-Type"] = "application/json", ["Stripe-Signature"] = signature }, body))
        end
        line_number = line_number + 1
    end
end

function request()
    position = position + 1
    if position > #events then
        print("post-stripe.lua: the deliveries ran out; give wrk more of them")
        wrk.thread:stop()
        position = 1
    end
    return events[position]
end

function response(status, headers, body)
    if status ~= 200 then
        print("unexpected status " .. status .. ": " .. body)
    end
end

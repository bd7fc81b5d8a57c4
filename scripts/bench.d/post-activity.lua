-- wrk: POST one activity per request to the account given in ACCOUNT_ID, with the key in TENURE_KEY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TENURE_KEY")
wrk.body = '{"account_id": "' .. os.getenv("ACCOUNT_ID") .. '", "type": "call", "direction": "outbound", "subject": "bench"}'

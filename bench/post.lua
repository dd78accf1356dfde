-- wrk script: POST the body in $WRK_BODY (a JSON object) to the given URL.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"

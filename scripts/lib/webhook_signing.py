"""Signatures as Stripe and a Standard Webhooks CRM sender make them, for the scripts that post signed events."""
import base64
import hashlib
import hmac


def stripe_header(secret, timestamp, body):
    """`Stripe-Signature`: HMAC-SHA256 of "{t}.{body}" keyed with the whole endpoint secret."""
    return f"t={timestamp},v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def crm_headers(secret, message_id, timestamp, body):
    """Standard Webhooks: HMAC-SHA256 of "{id}.{t}.{body}" keyed with the base64 bytes after "whsec_"."""
    key = secret if isinstance(secret, bytes) else base64.b64decode(secret.removeprefix("whsec_"))
    signature = base64.b64encode(hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": f"v1,{signature}"}


def hubspot_headers(secret, uri, timestamp_ms, body, method="POST"):
    """HubSpot signature v3: base64(HMAC-SHA256(client secret, method + URI + body + timestamp in ms))."""
    content = (method + uri).encode() + body + str(timestamp_ms).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), content, hashlib.sha256).digest()).decode()
    return {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": str(timestamp_ms)}

"""The OpenAPI description of /api/v1/, served at /api/v1/openapi.json."""

ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
EXPIRY = {"type": "object", "properties": {
    "validity": {"type": "string", "enum": ["after_first_use", "fixed"]},
    "validity_seconds": {"type": ["integer", "null"]},
    "fixed_expiry": {"type": ["string", "null"], "format": "date-time"},
    "time_limit_seconds": {"type": ["integer", "null"]},
    "data_limit_bytes": {"type": ["integer", "null"]},
    "rate_limit_up": {"type": ["string", "null"]},
    "rate_limit_down": {"type": ["string", "null"]},
    "shared_users": {"type": "integer"}}}
PROFILE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "price": {"type": "string", "description": "decimal"}, "expiry": EXPIRY}}
SALE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"},
    "channel": {"type": "string", "enum": ["counter", "reseller", "api"]},
    "price": {"type": ["string", "null"]}, "sold_at": {"type": "string", "format": "date-time"},
    "profile_id": {"type": "integer"}}}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document(base_url: str) -> dict:
    unauthorized = _json(ERROR, "Missing, unknown or revoked API key")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hotspot sales API", "version": "1",
                 "description": "Sell vouchers from elsewhere. Keys are made on the product's "
                                "Sales → API keys page and belong to one organization."},
        "servers": [{"url": base_url}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/profiles": {"get": {
                "summary": "The organization's voucher profiles",
                "responses": {"200": _json({"type": "object", "properties": {
                    "profiles": {"type": "array", "items": PROFILE}}}),
                    "401": unauthorized}}},
            "/sales": {
                "post": {
                    "summary": "Sell one voucher of a profile",
                    "parameters": [{"name": "Idempotency-Key", "in": "header",
                                    "required": False, "schema": {"type": "string",
                                                                  "maxLength": 100},
                                    "description": "The same key again returns the first "
                                                   "sale (200) and sells nothing."}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "required": ["profile"],
                                   "properties": {"profile": {"type": "integer"}}}}}},
                    "responses": {
                        "201": _json({"type": "object", "properties": {
                            "sale": SALE, "code": {"type": "string"},
                            "password": {"type": "string"}, "login_url": {"type": "string"},
                            "qr_svg": {"type": "string", "description": "inline SVG"},
                            "profile": PROFILE, "state": {"type": "string"},
                            "expires_at": {"type": ["string", "null"]}}}, "Sold"),
                        "200": {"description": "A replayed Idempotency-Key: the first sale"},
                        "400": _json(ERROR, "Malformed request"), "401": unauthorized,
                        "404": _json(ERROR, "No such profile in this organization"),
                        "409": _json(ERROR, "No voucher ready to sell, or the key was used "
                                            "for another profile")}},
                "get": {
                    "summary": "Sales in a time range (at most 92 days, 1000 sales)",
                    "parameters": [
                        {"name": "from", "in": "query", "required": True,
                         "schema": {"type": "string", "format": "date-time"}},
                        {"name": "to", "in": "query", "required": True,
                         "schema": {"type": "string", "format": "date-time"}}],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "sales": {"type": "array", "items": SALE},
                        "truncated": {"type": "boolean"}}}),
                        "400": _json(ERROR), "401": unauthorized}}},
            "/vouchers/{code}": {"get": {
                "summary": "Look a voucher up: its state, sale and facts",
                "parameters": [{"name": "code", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The voucher"}, "401": unauthorized,
                              "404": _json(ERROR, "No such voucher")}}},
        },
    }

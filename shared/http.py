"""HTTP edge: every error answers with JSON naming the field and the reason, in Chinese; never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, Invalid

_MESSAGES = {
    "missing": "必填项缺失",
    "string_type": "应为字符串",
    "int_type": "应为整数（如 2：不加引号、不带小数点，不是 true/false）",
    "int_parsing": "应为整数",
    "bool_type": "应为布尔值（true/false）",
    "bool_parsing": "应为布尔值（true/false）",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_short": "内容过短（至少 {min_length} 个字符）",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "extra_forbidden": "不允许的字段",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "json_invalid": "请求体不是合法的 JSON",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "model_attributes_type": "应为对象",
    "string_pattern_mismatch": "格式不正确（应符合 {pattern}）",
    "string_unicode": "应为合法的 Unicode 文本",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD（不带时刻）",
}
UNKNOWN = "取值不合法"  # a pydantic error type not listed above: never its English message
# Starlette's and FastAPI's own English details, said in Chinese.
_HTTP_DETAILS = {
    "Not Found": "接口不存在",
    "Method Not Allowed": "该接口不支持此请求方法",
}
BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI: a body that is not UTF-8 (or not form data)


def chinese_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    template = _MESSAGES.get(kind)
    if template is None:
        return UNKNOWN
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def _field(error: dict[str, Any]) -> str:
    if error["type"] == "json_invalid":  # its loc is ("body", character position)
        return "body"
    parts = [str(p) for p in error["loc"] if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def invalid_response(detail: list[dict[str, Any]]) -> JSONResponse:
    """422: each bad field (``field``, ``loc``, Chinese ``msg``, ``type``) and one line saying them all."""
    return JSONResponse(status_code=422, content={"detail": detail, "message": "输入不合法：" + "；".join(
        f"{d['field']}：{d['msg']}" for d in detail)})


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    return invalid_response([
        {"field": _field(e), "loc": list(e["loc"]), "msg": chinese_message(e), "type": e["type"]}
        for e in exc.errors()
    ])


async def _http_error(request: Request, exc: StarletteHTTPException):  # noqa: ANN201
    """The framework's own refusals in Chinese; a body that cannot even be decoded is bad input (422)."""
    if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:
        return invalid_response([{"field": "body", "loc": ["body"], "msg": "请求体无法解析：应为 UTF-8 编码的 JSON",
                                  "type": "json_invalid"}])
    if isinstance(exc.detail, str) and exc.detail in _HTTP_DETAILS:
        exc = StarletteHTTPException(exc.status_code, _HTTP_DETAILS[exc.detail], exc.headers)
    return await http_exception_handler(request, exc)


async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["detail"] = [{"field": exc.field, "loc": [exc.location, *exc.field.split(".")], "msg": exc.message, "type": exc.code}]
        body["message"] = f"{exc.field}：{exc.message}"
    return JSONResponse(status_code=exc.status_code, content=body)


def _query_names(dependant: Any) -> frozenset[str]:
    names = {getattr(f, "alias", None) or f.name for f in getattr(dependant, "query_params", [])}
    for sub in getattr(dependant, "dependencies", []):
        names |= _query_names(sub)
    return frozenset(names)


async def known_query_only(request: Request) -> None:
    """An app-wide dependency: a query parameter the route does not take is a 422 naming it, not ignored
    (a mistyped filter would otherwise silently widen the answer)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params or not getattr(route, "include_in_schema", True):
        return  # the docs' own pages (the OAuth2 redirect takes what the identity provider sends)
    allowed = getattr(route, "_bangnin_query_names", None)
    if allowed is None:
        allowed = _query_names(dependant)
        setattr(route, "_bangnin_query_names", allowed)
    unknown = [name for name in request.query_params if name not in allowed]
    if unknown:
        known = "、".join(sorted(allowed)) or "无"
        raise Invalid(f"不支持的查询参数（该接口可用：{known}）", field=unknown[0] or "（空参数名）", location="query",
                      code="unknown_query_parameter")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)

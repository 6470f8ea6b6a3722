"""Machine clients (API.md, Other systems): a department's own system logs in with OAuth2 client credentials,
acts on its own department's items only, within its scopes, and is recorded as itself on the department's behalf."""

from __future__ import annotations

from datetime import datetime, timezone

from shared.auth.clients import create_client
from tests.e2e.coordination_support import act, events

NOW = datetime.now(timezone.utc).isoformat(timespec="seconds")


def client_store(api):  # noqa: ANN001, ANN201
    """The running system's account store (embedded: the app's; distributed: the deployment's PostgreSQL)."""
    if api.app is not None:
        return api.app.state.auth.accounts.store
    from shared.auth.store import AccountStore

    return AccountStore(postgres_dsn=api.deployment.dsn)


def client_token(api, client_id: str, secret: str, **extra: str):  # noqa: ANN001, ANN201
    return api.client.post("/auth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                "client_secret": secret, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def filed_case(api) -> str:  # noqa: ANN001
    from tests.support import open_case

    case_id = open_case(api, in_park=False)
    for no, agent in [(7, "dept_zrzy"), (10, "dept_zjj")]:
        act(api, case_id, no, "file", agent)
    return case_id


def test_a_client_acts_on_its_own_departments_item_recorded_as_itself_for_the_department(api):  # noqa: ANN001
    case_id = filed_case(api)
    client, secret = create_client(client_store(api), "区自然资源局审批系统", "zrzy", ["cases:read", "items:write"], NOW)
    r = client_token(api, client.client_id, secret)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "cases:read items:write"
    token = r.json()["access_token"]

    r = api.client.post(f"/coordination/cases/{case_id}/items/7/actions", headers=bearer(token), json={"action": "accept"})
    assert r.status_code == 200, r.text
    r = api.client.post(f"/coordination/cases/{case_id}/items/10/actions", headers=bearer(token), json={"action": "accept"})
    assert r.status_code == 403, r.text  # 区住建局's item: not this client's department
    assert api.client.get(f"/coordination/cases/{case_id}", headers=bearer(token)).status_code == 200

    accepted = [e for e in events(api, "coordination", case_id, "coordination.ItemStateChanged")
                if e.payload["item_no"] == 7 and e.payload["action"] == "accept"]
    assert [(e.actor.username, e.actor.department, e.on_behalf_of) for e in accepted] == [
        (client.client_id, "zrzy", "zrzy")]


def test_a_wrong_secret_an_unknown_client_and_a_scope_not_granted_are_refused(api):  # noqa: ANN001
    client, secret = create_client(client_store(api), "区住建局系统", "zjj", ["cases:read"], NOW)
    assert client_token(api, client.client_id, secret + "x").status_code == 401
    assert client_token(api, "client-zjj-00000000", secret).status_code == 401
    assert client_token(api, client.client_id, secret, scope="items:write").status_code == 403
    r = api.client.post("/auth/token", data={"grant_type": "client_credentials", "client_id": client.client_id})
    assert r.status_code == 422 and "client_secret" in r.text
    r = api.client.post("/auth/token", data={"grant_type": "implicit", "client_id": client.client_id})
    assert r.status_code == 422 and "grant_type" in r.text


def test_a_read_only_client_cannot_command_and_a_revoked_one_cannot_read(api):  # noqa: ANN001
    case_id = filed_case(api)
    store = client_store(api)
    client, secret = create_client(store, "区自然资源局查询", "zrzy", ["cases:read"], NOW)
    token = client_token(api, client.client_id, secret).json()["access_token"]
    assert api.client.get(f"/coordination/cases/{case_id}", headers=bearer(token)).status_code == 200
    r = api.client.post(f"/coordination/cases/{case_id}/items/7/actions", headers=bearer(token), json={"action": "accept"})
    assert r.status_code == 403 and "items:write" in r.text
    assert store.revoke_client(client.client_id)
    assert api.client.get(f"/coordination/cases/{case_id}", headers=bearer(token)).status_code == 401
    assert client_token(api, client.client_id, secret).status_code == 401

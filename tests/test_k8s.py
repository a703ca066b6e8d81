"""deploy/k8s: every manifest valid against a current Kubernetes schema (kubernetes-validate,
strict), and the pieces agree with each other and with the app: the probe on Streamlit's health
path and the container's port, the Service selecting the Deployment's pods, the Ingress reaching the
Service with cookie affinity and long websocket timeouts, every replica pointed at the Redis
Service through the app's store setting."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from live.store import STORE_ENV

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"


def documents() -> list[dict]:
    return [d for f in sorted(K8S.glob("*.yaml")) if f.name != "kustomization.yaml" for d in
            yaml.safe_load_all(f.read_text()) if d]  # fmt: skip


def one(kind: str, name: str) -> dict:
    (found,) = [d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_is_valid_kubernetes(doc):
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(f.name for f in K8S.glob("*.yaml") if f.name != "kustomization.yaml")


def test_an_invalid_manifest_is_caught():  # the check above can fail
    bad = one("Deployment", "descent") | {"spec": {"replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, kubernetes_validate.latest_version(), strict=True)


def _container(deployment: dict) -> dict:
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    return c


def _port(container: dict, name_or_number) -> int:
    if isinstance(name_or_number, int):
        return name_or_number
    (p,) = [p["containerPort"] for p in container["ports"] if p["name"] == name_or_number]
    return p


def test_replicas_are_ready_only_when_streamlit_answers_on_its_port():
    app = one("Deployment", "descent")
    assert app["spec"]["replicas"] >= 2
    c = _container(app)
    probe = c["readinessProbe"]["httpGet"]
    assert probe["path"] == "/_stcore/health"
    cmd = c["command"]
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    assert int(cmd[cmd.index("--server.port") + 1]) == _port(c, probe["port"])
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"


def test_every_replica_keeps_its_classes_in_the_redis_service():
    c = _container(one("Deployment", "descent"))
    env = {e["name"]: e for e in c["env"]}
    url = env[STORE_ENV]["value"]
    redis_svc = one("Service", "descent-redis")
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    assert host == redis_svc["metadata"]["name"] and int(port) == redis_svc["spec"]["ports"][0]["port"]
    redis = one("Deployment", "descent-redis")
    assert redis_svc["spec"]["selector"].items() <= redis["spec"]["template"]["metadata"]["labels"].items()
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in env  # one secret for all: uploads work on any replica


def test_the_ingress_reaches_the_app_with_cookie_affinity_and_long_websockets():
    app, svc, ing = one("Deployment", "descent"), one("Service", "descent"), one("Ingress", "descent")
    pods = app["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pods.items()
    assert svc["spec"]["selector"] != one("Service", "descent-redis")["spec"]["selector"]
    target = svc["spec"]["ports"][0]["targetPort"]
    assert _port(_container(app), target) == 8501
    (path,) = ing["spec"]["rules"][0]["http"]["paths"]
    backend = path["backend"]["service"]
    assert backend["name"] == "descent" and backend["port"]["name"] == svc["spec"]["ports"][0]["name"]
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):  # an idle student's websocket
        assert int(notes[f"nginx.ingress.kubernetes.io/{timeout}"]) >= 3600

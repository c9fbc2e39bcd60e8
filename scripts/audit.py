"""Known vulnerabilities in the project's pinned dependencies (`make audit`).

pip-audit does not fit Rasa 3.6's pins (it needs a newer `packaging`), so it runs in a
throwaway venv (build/audit-venv) and audits the exact versions installed in the project
venv (`pip freeze`), without resolving or installing them again. Findings that cannot be
fixed because Rasa pins the package are listed, with the reason, in
scripts/audit-accepted.txt (explained in docs/security.md); any other finding fails.
Needs PyPI (for pip-audit) and the vulnerability database: without them it says so.
"""
from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_VENV = ROOT / "build" / "audit-venv"
PIP_AUDIT = "pip-audit==2.10.1"
ACCEPTED = ROOT / "scripts" / "audit-accepted.txt"
REQUIREMENTS = ROOT / "build" / "audit-requirements.txt"
REPORT = ROOT / "build" / "audit.json"


def accepted_ids() -> set[str]:
    lines = ACCEPTED.read_text(encoding="utf-8").splitlines()
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


def install_pip_audit() -> bool:
    tool = AUDIT_VENV / "bin" / "pip-audit"
    if not tool.exists():
        venv.create(AUDIT_VENV, with_pip=True, clear=True)
    result = subprocess.run([str(AUDIT_VENV / "bin" / "pip"), "install", "--quiet",
                             PIP_AUDIT], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"Kon {PIP_AUDIT} niet installeren (is PyPI bereikbaar?):\n"
              f"{result.stderr.strip()[-600:]}")
        return False
    return True


def frozen_requirements() -> None:
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    REQUIREMENTS.write_text(freeze, encoding="utf-8")


def main() -> int:
    if not install_pip_audit():
        return 2
    frozen_requirements()
    result = subprocess.run(
        [str(AUDIT_VENV / "bin" / "pip-audit"), "--requirement", str(REQUIREMENTS),
         "--no-deps", "--disable-pip", "--progress-spinner", "off",
         "--format", "json", "--output", str(REPORT)],
        capture_output=True, text=True)
    try:
        report = json.loads(REPORT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    if result.returncode not in (0, 1) or report is None:
        print("pip-audit kon de kwetsbaarhedendatabase niet raadplegen (geen verbinding?). "
              "Er is NIET gecontroleerd.\n" + result.stderr.strip()[-800:])
        return 2
    REPORT.unlink()  # leave no stale report that looks like a fresh one

    skipped = [d for d in report["dependencies"] if d.get("skip_reason")]
    if skipped:
        print(f"Onvolledig: {len(skipped)} van de {len(report['dependencies'])} pakketten "
              "konden NIET worden gecontroleerd (is PyPI's JSON API met kwetsbaarheden "
              "bereikbaar?), bijvoorbeeld:\n  " + skipped[0]["skip_reason"] +
              "\nDraai `make audit` op een machine die die API bereikt.")
    audited = len(report["dependencies"]) - len(skipped)

    accepted, findings = accepted_ids(), []
    for dependency in report["dependencies"]:
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            findings.append((dependency["name"], dependency["version"], vuln["id"],
                             ",".join(vuln.get("fix_versions", [])) or "-",
                             bool(ids & accepted)))
    print(f"{audited} pinned packages audited, {len(findings)} known vulnerabilities.")
    for name, version, vuln_id, fixed_in, ok in sorted(findings):
        status = "accepted (docs/security.md)" if ok else "NEW"
        print(f"  {name} {version}  {vuln_id}  fixed in: {fixed_in}  [{status}]")
    new = [f for f in findings if not f[4]]
    if skipped:
        return 2
    if new:
        print(f"{len(new)} finding(s) not yet assessed: fix them, or explain in "
              "docs/security.md and scripts/audit-accepted.txt why they are acceptable.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

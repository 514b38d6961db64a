"""Runs the generators inside the pinned exporter stack of tools/requirements-models.txt.

The stack lives in .cache/py-models (installed there with pip --target --no-deps on first use), and the script
re-executes itself with that folder first on PYTHONPATH. PYTHONHASHSEED is pinned too: optimum's decoder merge
names shared initializers in set-iteration order, so without it two runs would name them differently.
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUIREMENTS = REPO / 'tools' / 'requirements-models.txt'
TARGET = REPO / '.cache' / 'py-models'
MARKER = TARGET / '.requirements.sha256'
ENV_FLAG = 'CAPGRAD_MODELGEN_ENV'


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def _install() -> None:
    print(f'[modelgen] installing the exporter stack into {TARGET.relative_to(REPO)} ...', flush=True)
    TARGET.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps', '--upgrade', '--target', str(TARGET),
           '-r', str(REQUIREMENTS)]
    subprocess.run(cmd, check=True)
    MARKER.write_text(_requirements_digest())


def ensure_exporter_stack() -> None:
    """Call first thing in a generator's main(); returns only inside the pinned stack."""
    if os.environ.get(ENV_FLAG) == '1':
        _check_versions()
        return
    if not MARKER.exists() or MARKER.read_text().strip() != _requirements_digest():
        _install()
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([str(TARGET), *filter(None, [env.get('PYTHONPATH')])])
    env[ENV_FLAG] = '1'
    env['PYTHONHASHSEED'] = '0'
    env['HF_HUB_OFFLINE'] = '1'
    env['TRANSFORMERS_OFFLINE'] = '1'
    env['TOKENIZERS_PARALLELISM'] = 'false'
    env['TRANSFORMERS_VERBOSITY'] = env.get('TRANSFORMERS_VERBOSITY', 'error')
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def _check_versions() -> None:
    import transformers

    pinned = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if '==' in line:
            name, version = line.split('==')
            pinned[name] = version
    if transformers.__version__ != pinned['transformers']:
        raise RuntimeError(
            f'expected transformers {pinned["transformers"]} from {TARGET}, got {transformers.__version__} '
            f'from {transformers.__file__}; delete {MARKER} and rerun'
        )

"""Small file helpers shared by the generators."""
import json
import shutil
from pathlib import Path


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + '\n', encoding='utf-8')


def reset_dir(path: Path) -> None:
    """Empties (or creates) the folder of one generated model."""
    if path.exists():
        shutil.rmtree(path)
    (path / 'onnx').mkdir(parents=True)


def describe_folder(path: Path) -> str:
    lines = []
    for f in sorted(p for p in path.rglob('*') if p.is_file()):
        lines.append(f'  {f.relative_to(path)}  {f.stat().st_size:,} B')
    return '\n'.join(lines)

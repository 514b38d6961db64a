"""Training a small ViT-GPT2 student on composed scenes (tools/train_student.py)."""

"""Move a pretrained model onto a new tokenizer (issue: transplant)."""

"""Reading and writing tokenizer files: native JSON, HF tokenizer.json, tiktoken, GPT-2 files."""

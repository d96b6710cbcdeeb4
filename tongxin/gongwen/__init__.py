"""GB/T 9704-2012 official-document layout: plain Python over python-docx (no Django)."""

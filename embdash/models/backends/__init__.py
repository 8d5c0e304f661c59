"""Model backends: one small adapter per way of loading weights (see embdash.models.catalogue for the catalogue).

Each module imports its heavy libraries (torch, sentence-transformers, onnxruntime, scikit-learn)
inside its load function, so importing embdash.models.catalogue stays cheap.
"""

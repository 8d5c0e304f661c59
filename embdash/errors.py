"""Errors a user can act on. The UI and the CLI show their message as it is, never a traceback."""


class EmbdashError(Exception):
    """Base class: the message is written for the analyst, in one or two plain sentences."""


class CorpusError(EmbdashError):
    """The input file cannot be read as a corpus (format, encoding, empty, no text column...)."""


class ModelError(EmbdashError):
    """A model cannot be loaded (unknown id, package missing, hub id while offline...)."""


class CacheError(EmbdashError):
    """The data directory cannot be used (not writable, disk full...)."""


class EmbeddingStopped(EmbdashError):
    """Embedding was stopped between batches when asked to; the vectors computed before are in the cache."""

    def __init__(self, done: int, total: int):
        self.done, self.total = done, total
        super().__init__(f"Stopped after {done:,} of {total:,} new texts; they are kept, "
                         f"the rest will be embedded next time.")


class StageStopped(EmbdashError):
    """A map stage was stopped when asked to (before it started, or between two epochs of a UMAP layout);
    the stages finished before it are in the cache."""

    def __init__(self, stage: str):
        self.stage = stage
        super().__init__(f"Stopped while computing {stage}; the stages finished before it are kept.")


class ModelBusy(EmbdashError):
    """Another job held the model's cache lock for longer than this one may wait."""

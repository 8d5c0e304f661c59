"""Server settings, kept as data: each has a name, an environment variable, a default and help text.

Read from the environment first, then from a mapping of secrets under the same names (the UI passes
st.secrets; this module stays free of Streamlit), then the default. The data directory is shared with the
CLI, so data_dir() reads the environment only (Community Cloud exports root-level secrets as variables).
docs/hosting.md documents every setting (a test checks).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from embdash.errors import EmbdashError


class ConfigError(EmbdashError):
    """A setting has a value embdash cannot use."""


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "embdash"


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"", "0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _positive_int(text: str) -> int:
    value = int(str(text).strip())
    if value < 1:
        raise ValueError(f"expected a positive whole number, got {text!r}")
    return value


def _id_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(text).split(",") if part.strip())


VECTOR_DTYPES = ("float32", "float16")


def _vector_dtype(text: str) -> str:
    lowered = str(text).strip().lower()
    if lowered not in VECTOR_DTYPES:
        raise ValueError(f"expected one of {', '.join(VECTOR_DTYPES)}, got {text!r}")
    return lowered


@dataclass(frozen=True)
class Setting:
    name: str  # the attribute of Settings
    env: str  # the environment variable, also the key in st.secrets (secrets.toml)
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir", "EMBDASH_DATA_DIR", None,
        "Folder for stored corpora, the embedding cache and derived arrays. Default: "
        "$XDG_DATA_HOME/embdash, else ~/.local/share/embdash.",
        lambda text: Path(text).expanduser(),
    ),
    Setting(
        "max_upload_mb", "EMBDASH_MAX_UPLOAD_MB", 200,
        "Largest file a user may upload, in megabytes. Streamlit's own cap (server.maxUploadSize in "
        ".streamlit/config.toml) must be at least as large.",
        _positive_int,
    ),
    Setting(
        "models", "EMBDASH_MODELS", (),
        "Comma-separated model ids offered in the sidebar (e.g. all-MiniLM-L6-v2,paraphrase-MiniLM-L3-v2). "
        "Empty: the whole catalogue. The first one is the default.",
        _id_list,
    ),
    Setting(
        "read_only", "EMBDASH_READ_ONLY", False,
        "For public instances: no uploads, no models from server paths, no deletions. Only the bundled sample "
        "and corpora already stored on the server can be opened; the embedding cache is still written.",
        _flag,
    ),
    Setting(
        "password", "EMBDASH_PASSWORD", "",
        "If set, every visitor must type this password once per browser session before seeing anything. "
        "Prefer st.secrets (secrets.toml) or a secret environment variable over a command line.",
    ),
    Setting(
        "vector_dtype", "EMBDASH_VECTOR_DTYPE", "float32",
        "How cached vectors are stored and held in memory: float32, or float16 (half the disk and memory; "
        "recall@10 of exact search 0.9998 against float32). Each kind has its own cache folder.",
        _vector_dtype,
    ),
    Setting(
        "force_fp32", "EMBDASH_FORCE_FP32", False,
        "Embed with PyTorch models in float32 even on a CPU with bf16 instructions (AVX512-BF16 or AMX), where "
        "embdash otherwise runs them in bfloat16 once a check found that faster and agreeing (mean cosine >= "
        "0.9999). bf16 vectors have their own cache key, so switching re-embeds rather than mixing the two.",
        _flag,
    ),
    Setting(
        "max_jobs", "EMBDASH_MAX_JOBS", None,
        "Heavy jobs (embedding, projecting, clustering) the server runs at once; the others wait in line, each "
        "visitor seeing their place. Default: the number of cores less one, at least 1. Embedding jobs of at most 64 "
        "texts (a query, a Learn page's sentences) never wait.",
        _positive_int,
    ),
    Setting(
        "job_seconds", "EMBDASH_JOB_SECONDS", 60,
        "On public instances (read-only or with a password): a visitor's embedding job stops after this many "
        "seconds, keeping what it embedded; the visitor can go on with the rest, back in line. Private instances "
        "have no limit.",
        _positive_int,
    ),
    Setting(
        "job_texts", "EMBDASH_JOB_TEXTS", 20_000,
        "On public instances: the most new texts (documents, words, chunks) one job may embed or map; a larger "
        "one is refused before it starts. Embed large corpora ahead with `embdash embed`. Private instances have "
        "no limit.",
        _positive_int,
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    max_upload_mb: int
    models: tuple[str, ...]
    read_only: bool
    password: str
    vector_dtype: str = "float32"
    force_fp32: bool = False
    max_jobs: int | None = None  # None: embdash.jobs.default_slots()
    job_seconds: int = 60
    job_texts: int = 20_000

    @property
    def public(self) -> bool:
        """Open to visitors the operator does not know: read-only, or behind a shared password."""
        return self.read_only or bool(self.password)


def load_settings(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Settings:
    """The settings from `environ` (default os.environ), then `secrets`, then the defaults.

    Raises ConfigError naming the variable when a value cannot be parsed.
    """
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    values = {setting.name: _setting_value(setting, environ, secrets) for setting in SETTINGS}
    if values["data_dir"] is None:
        values["data_dir"] = _default_data_dir()
    return Settings(**values)


def _setting_value(setting: Setting, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> Any:
    """One setting from the environment, then secrets, then its default; ConfigError naming the variable."""
    if setting.env in environ and str(environ[setting.env]).strip() != "":
        raw, source = environ[setting.env], setting.env
    elif setting.env in secrets:
        raw, source = secrets[setting.env], f"{setting.env} (secrets)"
    else:
        return setting.default
    try:
        return setting.parse(raw) if isinstance(raw, str) else _typed(setting, raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"The setting {source} cannot be used: {error}.") from error


def _typed(setting: Setting, raw: Any) -> Any:
    """A value st.secrets already typed (TOML booleans, numbers, lists)."""
    if isinstance(raw, (list, tuple)):
        return tuple(str(item).strip() for item in raw if str(item).strip())
    if isinstance(raw, bool) and setting.parse is _flag:
        return raw
    return setting.parse(str(raw))


def offered_models(settings: Settings, catalogue_ids: list[str]) -> list[str]:
    """The catalogue ids this server offers, in the setting's order; ConfigError for an unknown id."""
    if not settings.models:
        return list(catalogue_ids)
    unknown = [model_id for model_id in settings.models if model_id not in catalogue_ids]
    if unknown:
        raise ConfigError(
            f"EMBDASH_MODELS names models that are not in the catalogue: {', '.join(unknown)}. "
            f"Known ids: {', '.join(catalogue_ids)}."
        )
    return list(dict.fromkeys(settings.models))


def vector_dtype(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> str:
    """EMBDASH_VECTOR_DTYPE alone ("float32" or "float16"), read like load_settings: a store needs only this
    one, and a bad value of another setting should not stop the CLI from opening its cache."""
    setting = next(s for s in SETTINGS if s.name == "vector_dtype")
    return _setting_value(setting, os.environ if environ is None else environ, secrets or {})


def force_fp32(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> bool:
    """EMBDASH_FORCE_FP32 alone, read like load_settings: the model loader needs only this one."""
    setting = next(s for s in SETTINGS if s.name == "force_fp32")
    return _setting_value(setting, os.environ if environ is None else environ, secrets or {})


def data_dir() -> Path:
    """The data directory: $EMBDASH_DATA_DIR, else $XDG_DATA_HOME/embdash, else ~/.local/share/embdash."""
    explicit = os.environ.get("EMBDASH_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return _default_data_dir()


#: What a process that loads models needs set before the model libraries load: weights come from packages,
#: never from a hub; tokenizers' threads stay quiet in forked workers; idle OpenMP threads sleep instead of
#: spinning (on 2 cores the default model fell from ~240 to ~60 texts/s beside another job otherwise).
PROCESS_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def prepare_process() -> None:
    """Set PROCESS_ENVIRONMENT's variables the user has not set. Called where a process starts (the CLI, the
    server) and by the model loaders; importing embdash itself changes nothing."""
    for name, value in PROCESS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)

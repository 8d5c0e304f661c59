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


def _quota_mb(text: str) -> int:
    """Megabytes, or 0 for no limit ("0" or "unlimited")."""
    lowered = str(text).strip().lower()
    if lowered in {"0", "unlimited", "none"}:
        return 0
    return _positive_int(lowered)


VECTOR_DTYPES = ("float32", "float16")
#: The disk quota of a read-only instance when EMBDASH_DISK_QUOTA_MB is not set: its visitors can add
#: derived files (new seeds, labels) but not fill the disk.
READ_ONLY_DISK_QUOTA_MB = 2048


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
        "Largest file a user may upload, in megabytes. `embdash serve` (and scripts/start.sh) sets Streamlit's own "
        "cap, server.maxUploadSize, to the same value, so a larger upload is refused by the server before it is "
        "stored; unless server.maxUploadSize is given on the command line or as STREAMLIT_SERVER_MAX_UPLOAD_SIZE.",
        _positive_int,
    ),
    Setting(
        "models", "EMBDASH_MODELS", (),
        "Comma-separated model ids offered in the sidebar (e.g. all-MiniLM-L6-v2,paraphrase-MiniLM-L3-v2). "
        "Empty: the whole catalogue. The first one is the default.",
        _id_list,
    ),
    Setting(
        "model_dir", "EMBDASH_MODEL_DIR", None,
        "Folder of your own sentence-transformers models. Users load one by the name of its sub-folder, as "
        "st:<name> (e.g. st:my-model); nothing outside the folder is read, and no model code is run. "
        "Empty: custom models are off. Read from the environment (root-level secrets are exported to it).",
        lambda text: Path(text).expanduser(),
    ),
    Setting(
        "read_only", "EMBDASH_READ_ONLY", False,
        "For public instances: no uploads (refused by the server too, not only hidden), no custom models, no "
        "deletions. Only the bundled sample and corpora already stored on the server can be opened; "
        "the embedding cache is still written.",
        _flag,
    ),
    Setting(
        "password", "EMBDASH_PASSWORD", "",
        "If set, every visitor must type this password once per browser session before seeing anything, and "
        "the server refuses uploads from a session that has not. Wrong passwords are throttled per client "
        "(EMBDASH_LOGIN_LOCKOUT_AFTER). Prefer st.secrets (secrets.toml) or a secret environment variable over "
        "a command line.",
    ),
    Setting(
        "login_lockout_after", "EMBDASH_LOGIN_LOCKOUT_AFTER", 10,
        "Wrong passwords a client may type before it is locked out for EMBDASH_LOGIN_LOCKOUT_MINUTES. Before "
        "that, each wrong password doubles the wait before the next one is checked (1 s, 2 s, 4 s ... at most "
        "60 s). A client is a visitor's IP address (see EMBDASH_CLIENT_IP_HEADER).",
        _positive_int,
    ),
    Setting(
        "login_lockout_minutes", "EMBDASH_LOGIN_LOCKOUT_MINUTES", 15,
        "How long a locked-out client waits, in minutes; a client's wrong passwords are also forgotten this "
        "long after its last one.",
        _positive_int,
    ),
    Setting(
        "client_ip_header", "EMBDASH_CLIENT_IP_HEADER", "",
        "Behind a reverse proxy every visitor arrives from the proxy's address, so one visitor's lockout would "
        "lock out all. Name the header your proxy sets to the visitor's address (X-Forwarded-For: its last "
        "entry is used; X-Real-IP) to throttle per visitor. Only with a proxy that sets it: otherwise a "
        "visitor can forge it. Empty: the connection's address.",
        lambda text: str(text).strip(),
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
        "disk_quota_mb", "EMBDASH_DISK_QUOTA_MB", None,
        "Most megabytes the derived files (cached vectors, maps' arrays, search indexes) may take; past it the "
        "least recently used are deleted (computed again when asked for). Never corpora or topic edits. "
        f"Default: no limit, or {READ_ONLY_DISK_QUOTA_MB} on a read-only instance; 0 or unlimited: no limit.",
        _quota_mb,
    ),
    Setting(
        "max_rows", "EMBDASH_MAX_ROWS", 1_000_000,
        "Most rows a corpus file may have (uploads and the command line). Checked while the file is read, so a "
        "small file that expands to millions of rows is refused within seconds.",
        _positive_int,
    ),
    Setting(
        "max_expanded_mb", "EMBDASH_MAX_EXPANDED_MB", 512,
        "Most megabytes a corpus file's values may take once read (texts plus 8 bytes a cell), whatever the "
        "file's own size: Parquet and Excel files compress repeated values a thousandfold. Checked while reading.",
        _positive_int,
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
        "On public instances (read-only or with a password): a visitor's job (embedding, or a map's projections "
        "and clustering) stops after this many seconds, keeping what it finished; the visitor can go on with the "
        "rest, back in line. Private instances have no limit.",
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
    disk_quota_mb: int | None = None
    login_lockout_after: int = 10
    login_lockout_minutes: int = 15
    client_ip_header: str = ""
    model_dir: Path | None = None
    max_rows: int = 1_000_000
    max_expanded_mb: int = 512
    max_jobs: int | None = None  # None: embdash.jobs.default_slots()
    job_seconds: int = 60
    job_texts: int = 20_000

    @property
    def public(self) -> bool:
        """Read-only or behind a password: an instance strangers reach, so it shows them no tracebacks."""
        return self.read_only or bool(self.password)


def quota_bytes(disk_quota_mb: int | None, read_only: bool) -> int | None:
    """The disk quota of derived files in bytes (EMBDASH_DISK_QUOTA_MB, else the read-only default), or None
    for no limit."""
    if disk_quota_mb is None:
        disk_quota_mb = READ_ONLY_DISK_QUOTA_MB if read_only else 0
    return disk_quota_mb * 1024 * 1024 if disk_quota_mb else None


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


def custom_models_enabled(settings: Settings) -> bool:
    """Custom "st:" models load only from the operator's model folder, and never on a read-only instance."""
    return settings.model_dir is not None and not settings.read_only


def model_is_offered(settings: Settings, model_id: str, catalogue_ids: list[str]) -> bool:
    """Whether this server may load `model_id`: an offered catalogue model, or a custom one where they are on.

    A custom id still has to name a folder inside the model folder; the loader checks that."""
    if model_id.startswith("st:"):
        return custom_models_enabled(settings)
    return model_id in offered_models(settings, catalogue_ids)


def vector_dtype(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> str:
    """EMBDASH_VECTOR_DTYPE alone ("float32" or "float16"), read like load_settings: a store needs only this
    one, and a bad value of another setting should not stop the CLI from opening its cache."""
    return setting_value("vector_dtype", environ, secrets)


def setting_value(name: str, environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Any:
    """One setting alone, read like load_settings: a bad value of another setting does not stop its reader."""
    setting = next(s for s in SETTINGS if s.name == name)
    return _setting_value(setting, os.environ if environ is None else environ, secrets or {})


def force_fp32(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> bool:
    """EMBDASH_FORCE_FP32 alone, read like load_settings: the model loader needs only this one."""
    return setting_value("force_fp32", environ, secrets)


def disk_quota_bytes(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> int | None:
    """The disk quota alone (EMBDASH_DISK_QUOTA_MB and EMBDASH_READ_ONLY), read like load_settings: the
    store needs only these, and a bad value of another setting should not stop the CLI."""
    return quota_bytes(setting_value("disk_quota_mb", environ, secrets), setting_value("read_only", environ, secrets))


def model_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """EMBDASH_MODEL_DIR alone, from the environment (like data_dir: the CLI and notebooks share it), or None:
    custom models are off."""
    return setting_value("model_dir", environ)


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

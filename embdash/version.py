"""The package version, importable without importing the package's public API."""

VERSION = "0.1.0"

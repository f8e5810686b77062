"""Many PDFs: incremental, parallel builds, print-run manifests and verify."""

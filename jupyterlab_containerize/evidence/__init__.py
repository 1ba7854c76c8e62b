"""What an image says about itself: OCI annotations, a CycloneDX SBOM, SLSA provenance, and the
checks a reviewer runs on them (verify-image)."""

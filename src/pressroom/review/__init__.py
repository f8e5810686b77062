"""Review material for people: proofs, screenshots, the watch loop."""

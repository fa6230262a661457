"""What a release ships and how users install and type-check it."""

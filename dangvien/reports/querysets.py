"""reports owns no tables, so no querysets: it starts every figure from the owning app's
``visible_to``/subtree querysets."""

"""Stories and sensemaking: story collections, self-signified stories, Most Significant Change
selection panels, the consent ledger and the public impact page (ADR 0015)."""

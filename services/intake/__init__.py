"""intake: applications through every channel, routing, delegation, commitment, acceptance."""

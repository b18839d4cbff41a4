"""The Learn page's logic: the equations with the current numbers, vanishing gradients, ReLU regions."""

"""What modules and layers are built with: the layer stack and its build context, names, tags."""

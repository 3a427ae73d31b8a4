"""The neighbourhood banquet (百家宴): the menu plan, the dishes households bring, tables, no waste."""

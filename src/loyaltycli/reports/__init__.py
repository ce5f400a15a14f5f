"""Rendering reports into files an owner can open or send on: self-contained HTML with SVG charts."""

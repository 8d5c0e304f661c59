"""Chart builders (Altair, and plotly WebGL for large maps): they return charts and never display them."""

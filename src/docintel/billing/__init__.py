"""The billing service (connected side): resources, keys, license issue, usage intake."""

"""Running Terraform per layer: plan and its guard, apply, drift, locks, interrupts, state recovery,
bootstrap, stages sharing an account.
"""

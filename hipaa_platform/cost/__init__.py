"""What an environment costs: the price catalogue, each resource type's cost components, the monthly
estimate of a synthesized environment with its budget check, and the cost change a plan makes."""

"""Rotterdam safety assistant: topic knowledge, answers and NLU parts used by Rasa."""

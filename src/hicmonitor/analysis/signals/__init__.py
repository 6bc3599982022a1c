"""Early warning: is a count above what the history of its series predicts?"""

"""Specs of week 3 (perceptron, XOR MLP, backpropagation, training skills, Sign Language MNIST, MNIST homework)."""

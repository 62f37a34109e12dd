import numpy as np

X = np.array([[0.5, 0.1], [0.2, 0.6]])
print(X.T @ X)

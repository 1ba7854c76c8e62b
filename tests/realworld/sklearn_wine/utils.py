"""Small helpers shared by the course notebooks."""

import numpy as np
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score


def describe_split(X_train, X_test, y_train, y_test):
    print(f"train: {X_train.shape[0]} rows, test: {X_test.shape[0]} rows, {X_train.shape[1]} features")
    counts = np.bincount(y_train)
    print("class balance (train):", dict(enumerate(counts.tolist())))


def print_accuracy(name, model, X_test, y_test):
    acc = accuracy_score(y_test, model.predict(X_test))
    print(f"{name:<22} accuracy = {acc:.3f}")
    return acc


def plot_confusion(model, X_test, y_test, labels):
    fig, ax = plt.subplots(figsize=(4, 4))
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, display_labels=labels, ax=ax, colorbar=False)
    ax.set_title(type(model[-1]).__name__ if hasattr(model, "__getitem__") else type(model).__name__)
    return ax

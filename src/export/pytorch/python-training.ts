/**
 * The Lightning side of the exported project: the data module, the
 * LightningModule and train.py. Static sources: every experiment-specific
 * value is read from experiment.json and preprocessing.json at run time, so
 * no user string is ever pasted into Python code.
 */
export const DATAMODULE_PY = String.raw`"""A LightningDataModule reading the same CSV or image folder as the studio, with the same preprocessing."""
import csv
import json
import os

import numpy as np
import torch
import lightning.pytorch as pl
from torch.utils.data import DataLoader, TensorDataset

from preprocessing import encode_image, encode_row, encode_target, load_spec

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}


def header_names(cells):
    """The studio's column names for a header row: trimmed, blanks named "column <j>", repeats renamed "<name> (2)"."""
    used, names = set(), []
    for j, cell in enumerate(cells):
        name = cell.strip() or f"column {j + 1}"
        if name in used:
            k = 2
            while f"{name} ({k})" in used:
                k += 1
            name = f"{name} ({k})"
        used.add(name)
        names.append(name)
    return names


def read_csv(path, columns):
    """The rows as dicts keyed by the studio's column names (preprocessing.json's "columns"), read as the studio reads:
    a comma, semicolon or tab delimiter, double quotes only, blank lines skipped, and rows without one cell per
    column skipped. A file without a header row has the columns "column 1", "column 2", ..."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(65536)
        f.seek(0)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        records = [r for r in csv.reader(f, delimiter=delimiter, quotechar='"', doublequote=True) if any(c.strip() for c in r)]
    if not records:
        raise ValueError(f"{path} has no rows")
    generated = [f"column {j + 1}" for j in range(len(columns))]
    has_header = columns != generated or header_names(records[0]) == generated
    if has_header and header_names(records[0]) != columns:
        found = json.dumps(header_names(records[0]), ensure_ascii=False)
        raise ValueError(f"{path} has the columns {found}; preprocessing.json expects {json.dumps(columns, ensure_ascii=False)}")
    width, rows, bad = len(columns), [], 0
    for record in records[1 if has_header else 0 :]:
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]
        if len(record) != width:
            bad += 1
            continue
        rows.append(dict(zip(columns, record)))
    if bad:
        print(f"{path}: {bad} row(s) without {width} fields were skipped")
    return rows


def encode_table(spec, path):
    """Rows without a usable target are left out, as in the studio."""
    target = spec["target"]
    if target is None:
        raise ValueError("preprocessing.json has no target column; a table without one cannot be trained on")
    xs, ys = [], []
    for row in read_csv(path, spec["columns"]):
        y = encode_target(target, row.get(target["column"]))
        if (target["task"] == "classification" and y < 0) or (target["task"] == "regression" and np.isnan(y)):
            continue
        xs.append(encode_row(spec, row))
        ys.append(y)
    x = torch.tensor(xs, dtype=torch.float32).reshape(len(xs), len(spec["featureNames"]))
    y = torch.tensor(ys, dtype=torch.long if target["task"] == "classification" else torch.float32)
    return x, y


def encode_folder(spec, root):
    """root/<class name>/<image>: classes are the spec's labelNames; other folders are skipped."""
    from PIL import Image

    xs, ys = [], []
    for label, name in enumerate(spec["labelNames"]):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        for file in sorted(os.listdir(folder)):
            if os.path.splitext(file)[1].lower() not in IMAGE_EXTENSIONS:
                continue
            with Image.open(os.path.join(folder, file)) as img:
                rgba = np.asarray(img.convert("RGBA"))
            xs.append(encode_image(spec, rgba))
            ys.append(label)
    if not xs:
        raise ValueError(f"no images found under {root}/<class>/ for the classes {spec['labelNames']}")
    # The studio is channels-last; torch convolutions want N × C × H × W.
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(ys, dtype=torch.long)


def split_indices(n, validation, test, seed):
    """A seeded shuffle split. The studio's split uses its own generator: pass splits.json to reuse it exactly."""
    order = np.random.default_rng(seed).permutation(n)
    n_test, n_val = int(round(n * test)), int(round(n * validation))
    return {"test": order[:n_test], "validation": order[n_test : n_test + n_val], "train": order[n_test + n_val :]}


class StudioDataModule(pl.LightningDataModule):
    def __init__(self, data, batch_size=32, validation=0.2, test=0.1, seed=42, num_workers=0, spec_path=None, splits_path=None):
        super().__init__()
        self.data, self.batch_size, self.num_workers = data, batch_size, num_workers
        self.fractions, self.seed = (validation, test), seed
        self.spec = load_spec(spec_path or os.path.join(HERE, "preprocessing.json"))
        self.splits_path = splits_path or os.path.join(HERE, "splits.json")

    def setup(self, stage=None):
        if self.spec["kind"] == "table":
            x, y = encode_table(self.spec, self.data)
        else:
            x, y = encode_folder(self.spec, self.data)
        splits = None
        if os.path.exists(self.splits_path):
            with open(self.splits_path, encoding="utf-8") as f:
                saved = json.load(f)
            if saved.get("rows") == len(y):
                splits = {k: np.asarray(saved[k], dtype=np.int64) for k in ("train", "validation", "test")}
            else:
                print(f"splits.json is for {saved.get('rows')} rows, the data has {len(y)}: using a fresh seeded split")
        if splits is None:
            splits = split_indices(len(y), *self.fractions, self.seed)
        self.sets = {k: TensorDataset(x[torch.as_tensor(v)], y[torch.as_tensor(v)]) for k, v in splits.items()}

    def _loader(self, name, shuffle=False):
        return DataLoader(self.sets[name], batch_size=self.batch_size, shuffle=shuffle, num_workers=self.num_workers)

    def train_dataloader(self):
        return self._loader("train", shuffle=True)

    def val_dataloader(self):
        return self._loader("validation")

    def test_dataloader(self):
        return self._loader("test")
`;

export const LIT_MODULE_PY = String.raw`"""The LightningModule: the studio's network, loss, metrics, optimizer and LR schedule."""
import torch
import torch.nn.functional as F
import lightning.pytorch as pl

from model import Net


class StudioModule(pl.LightningModule):
    """Logs the studio's names: train_loss, val_loss, val_acc / val_mae, test_loss, test_acc / test_mae."""

    def __init__(self, experiment):
        super().__init__()
        self.save_hyperparameters({"experiment": experiment})
        self.net = Net()
        self.recipe = experiment["recipe"]
        self.task = experiment["task"]

    def forward(self, x):
        return self.net(x)

    def compute_loss(self, out, y):
        loss = self.recipe["loss"]
        if loss == "crossEntropy":
            return F.cross_entropy(out, y.long())
        if loss == "binaryCrossEntropy":
            return F.binary_cross_entropy_with_logits(out.reshape(-1), y.float().reshape(-1))
        target = y.float().reshape(out.shape)
        if loss == "mse":
            return F.mse_loss(out, target)
        if loss == "mae":
            return F.l1_loss(out, target)
        if loss == "huber":
            return F.huber_loss(out, target, delta=1.0)
        raise ValueError(f"recipe.loss must be crossEntropy, binaryCrossEntropy, mse, mae or huber, got {loss!r}")

    def _step(self, batch, stage):
        x, y = batch
        out = self(x)
        loss = self.compute_loss(out, y)
        on_step = stage == "train"
        self.log(f"{stage}_loss", loss, on_step=on_step, on_epoch=True, prog_bar=True)
        if self.task == "classification":
            if self.recipe["loss"] == "binaryCrossEntropy":
                predicted = (out.reshape(-1) > 0).long()
            else:
                predicted = out.argmax(dim=1)
            self.log(f"{stage}_acc", (predicted == y.long()).float().mean(), on_step=on_step, on_epoch=True, prog_bar=True)
        else:
            self.log(f"{stage}_mae", (out.reshape(-1) - y.float().reshape(-1)).abs().mean(), on_step=on_step, on_epoch=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def test_step(self, batch, batch_idx):
        self._step(batch, "test")

    def configure_optimizers(self):
        o = self.recipe["optimizer"]
        params, lr, wd, momentum = self.parameters(), o["lr"], o["weightDecay"], o["momentum"]
        kind = o["type"]
        if kind == "sgd":
            optimizer = torch.optim.SGD(params, lr=lr, weight_decay=wd)
        elif kind in ("sgdMomentum", "nesterov"):
            optimizer = torch.optim.SGD(params, lr=lr, weight_decay=wd, momentum=momentum, nesterov=kind == "nesterov")
        elif kind == "adam":
            optimizer = torch.optim.Adam(params, lr=lr, weight_decay=wd)
        elif kind == "adamw":
            optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=wd)
        elif kind == "rmsprop":
            optimizer = torch.optim.RMSprop(params, lr=lr, weight_decay=wd, momentum=momentum)
        else:
            raise ValueError(f"recipe.optimizer.type is not known: {kind!r}")
        scheduler = self._scheduler(optimizer, o)
        return optimizer if scheduler is None else {"optimizer": optimizer, "lr_scheduler": scheduler}

    def _scheduler(self, optimizer, o):
        s, sched = self.recipe["lrSchedule"], torch.optim.lr_scheduler
        kind = s["type"]
        if kind == "none":
            return None
        if kind == "step":
            return sched.StepLR(optimizer, step_size=s["stepSize"], gamma=s["gamma"])
        if kind == "multiStep":
            return sched.MultiStepLR(optimizer, milestones=s["milestones"], gamma=s["gamma"])
        if kind == "exponential":
            return sched.ExponentialLR(optimizer, gamma=s["gamma"])
        if kind == "cosine":
            return sched.CosineAnnealingLR(optimizer, T_max=s.get("tMax") or self.trainer.max_epochs, eta_min=s["etaMin"])
        if kind == "linearWarmup":
            return sched.LinearLR(optimizer, start_factor=s["startFactor"], end_factor=1.0, total_iters=s["warmupEpochs"])
        if kind == "oneCycle":
            cycle = o["type"] in ("adam", "adamw") or (o["type"] != "sgd" and o["momentum"] > 0)
            one = sched.OneCycleLR(
                optimizer,
                max_lr=s.get("maxLr") or o["lr"],
                total_steps=int(self.trainer.estimated_stepping_batches),
                pct_start=s["pctStart"],
                cycle_momentum=cycle,
            )
            return {"scheduler": one, "interval": "step"}
        if kind == "reduceOnPlateau":
            plateau = sched.ReduceLROnPlateau(optimizer, mode=s["mode"], factor=s["factor"], patience=s["patience"])
            return {"scheduler": plateau, "monitor": s["monitor"], "interval": "epoch"}
        raise ValueError(f"recipe.lrSchedule.type is not known: {kind!r}")
`;

export const TRAIN_PY = String.raw`"""Continue training the studio's experiment with PyTorch Lightning, on one GPU or many.

    python train.py DATA                # DATA: the CSV file or the image folder (one subfolder per class)
    python train.py DATA --devices 4    # four GPUs with DDP
    python train.py DATA --fresh        # start from random weights instead of the browser's
"""
import argparse
import json
import os

import torch
import lightning.pytorch as pl
from lightning.pytorch.callbacks import EarlyStopping

from datamodule import StudioDataModule
from lit_module import StudioModule
from model import load_exported_weights

HERE = os.path.dirname(os.path.abspath(__file__))


def device_count(devices):
    """How many devices --devices asks for: a number, a list such as "0,1", or "auto" / "-1" (every GPU)."""
    if isinstance(devices, int):
        return devices
    if devices in ("auto", "-1"):
        return torch.cuda.device_count()
    return len([d for d in devices.split(",") if d.strip()])


def main():
    with open(os.path.join(HERE, "experiment.json"), encoding="utf-8") as f:
        experiment = json.load(f)
    recipe, split = experiment["recipe"], experiment["split"]
    parser = argparse.ArgumentParser(description="Train the exported Volt Studio experiment.")
    parser.add_argument("data", help="the CSV file or the image folder")
    parser.add_argument("--epochs", type=int, default=recipe["epochs"])
    parser.add_argument("--batch-size", type=int, default=recipe["batchSize"])
    parser.add_argument("--devices", default="auto", help='"auto", a number of devices, or a list such as "0,1"')
    parser.add_argument("--num-nodes", type=int, default=1)
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--fresh", action="store_true", help="start from random weights instead of the exported ones")
    args = parser.parse_args()

    if recipe.get("seed") is not None:
        pl.seed_everything(recipe["seed"], workers=True)
    module = StudioModule(experiment)
    if not args.fresh and os.path.exists(os.path.join(HERE, "weights.json")):
        load_exported_weights(module.net, HERE)
        print("Resuming from the weights trained in the browser (weights.bin).")

    devices = int(args.devices) if args.devices.isdigit() else args.devices
    many = device_count(devices) > 1 or args.num_nodes > 1
    callbacks = []
    stop = recipe.get("earlyStopping")
    if stop:
        callbacks.append(EarlyStopping(monitor=stop["monitor"], patience=stop["patience"], mode=stop["mode"]))
    clip = recipe.get("gradientClipVal") or None
    trainer = pl.Trainer(
        accelerator="auto",
        devices=devices,
        num_nodes=args.num_nodes,
        strategy="ddp" if many else "auto",
        max_epochs=args.epochs,
        gradient_clip_val=clip,
        gradient_clip_algorithm="norm" if clip else None,
        callbacks=callbacks,
    )
    data = StudioDataModule(
        args.data,
        batch_size=args.batch_size,
        validation=split["validation"],
        test=split["test"],
        seed=split["seed"],
        num_workers=args.num_workers,
    )
    trainer.fit(module, datamodule=data)
    trainer.test(module, datamodule=data)


if __name__ == "__main__":
    main()
`;

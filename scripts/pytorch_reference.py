#!/usr/bin/python3
"""Writes src/lightning/optim/fixtures/pytorch-reference.json from real PyTorch.

Run with Debian's PyTorch (1.13): `/usr/bin/python3 scripts/pytorch_reference.py`.

The fixture holds everything the TypeScript tests need to replay each run
without PyTorch: the initial weights (PyTorch layout, weight is [out, in]),
the batches, the optimizer/scheduler options in the framework's camelCase, and
what PyTorch produced (per-step losses, final weights, LR sequences). Option
names are camelCase so the tests can pass them straight to the TS classes.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'src', 'lightning', 'optim', 'fixtures', 'pytorch-reference.json')


def to_list(t):
    return t.detach().cpu().tolist()


# ---------------------------------------------------------------- models/data

def make_model_spec(name, sizes, activation, loss, batches):
    """Initial weights come from nn.Linear's own init under the fixed seed."""
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        layers.append({'weight': to_list(lin.weight), 'bias': to_list(lin.bias)})
    return {
        'name': name,
        'sizes': sizes,
        'activation': activation,
        'loss': loss,
        'layers': layers,
        'batches': batches,
    }


def classifier_batches():
    batches = []
    for _ in range(4):
        x = torch.randn(8, 4)
        y = torch.randint(0, 3, (8,))
        batches.append({'x': to_list(x), 'y': to_list(y)})
    return batches


def regressor_batches():
    batches = []
    for _ in range(3):
        x = torch.randn(10, 3)
        y = (x[:, :1] * 0.7 - x[:, 1:2] * x[:, 2:3] + 0.1 * torch.randn(10, 1))
        batches.append({'x': to_list(x), 'y': to_list(y)})
    return batches


MODELS = {
    'classifier': make_model_spec('classifier', [4, 8, 3], 'relu', 'crossEntropy', classifier_batches()),
    'regressor': make_model_spec('regressor', [3, 5, 1], 'tanh', 'mse', regressor_batches()),
}


class MLP(torch.nn.Module):
    def __init__(self, spec):
        super().__init__()
        sizes = spec['sizes']
        self.linears = torch.nn.ModuleList(
            [torch.nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        with torch.no_grad():
            for lin, layer in zip(self.linears, spec['layers']):
                lin.weight.copy_(torch.tensor(layer['weight']))
                lin.bias.copy_(torch.tensor(layer['bias']))
        self.activation = torch.relu if spec['activation'] == 'relu' else torch.tanh

    def forward(self, x):
        for i, lin in enumerate(self.linears):
            x = lin(x)
            if i < len(self.linears) - 1:
                x = self.activation(x)
        return x


def loss_fn(spec, out, y):
    if spec['loss'] == 'crossEntropy':
        return F.cross_entropy(out, torch.tensor(y, dtype=torch.long))
    return F.mse_loss(out, torch.tensor(y))


# ------------------------------------------------------------------- runs

def make_optimizer(kind, params, o):
    if kind == 'SGD':
        return torch.optim.SGD(params, lr=o['lr'], momentum=o.get('momentum', 0),
                               dampening=o.get('dampening', 0), nesterov=o.get('nesterov', False),
                               weight_decay=o.get('weightDecay', 0), maximize=o.get('maximize', False))
    if kind in ('Adam', 'AdamW'):
        cls = torch.optim.Adam if kind == 'Adam' else torch.optim.AdamW
        kwargs = dict(lr=o.get('lr', 1e-3), betas=tuple(o.get('betas', (0.9, 0.999))),
                      eps=o.get('eps', 1e-8), amsgrad=o.get('amsgrad', False),
                      maximize=o.get('maximize', False))
        if 'weightDecay' in o:
            kwargs['weight_decay'] = o['weightDecay']
        return cls(params, **kwargs)
    if kind == 'RMSprop':
        return torch.optim.RMSprop(params, lr=o.get('lr', 1e-2), alpha=o.get('alpha', 0.99),
                                   eps=o.get('eps', 1e-8), weight_decay=o.get('weightDecay', 0),
                                   momentum=o.get('momentum', 0), centered=o.get('centered', False),
                                   maximize=o.get('maximize', False))
    raise ValueError(kind)


def make_one_cycle(opt, o):
    kwargs = dict(max_lr=o['maxLr'], pct_start=o.get('pctStart', 0.3),
                  anneal_strategy=o.get('annealStrategy', 'cos'),
                  cycle_momentum=o.get('cycleMomentum', True),
                  base_momentum=o.get('baseMomentum', 0.85), max_momentum=o.get('maxMomentum', 0.95),
                  div_factor=o.get('divFactor', 25.0), final_div_factor=o.get('finalDivFactor', 1e4),
                  three_phase=o.get('threePhase', False))
    if 'totalSteps' in o:
        kwargs['total_steps'] = o['totalSteps']
    else:
        kwargs['epochs'] = o['epochs']
        kwargs['steps_per_epoch'] = o['stepsPerEpoch']
    return torch.optim.lr_scheduler.OneCycleLR(opt, **kwargs)


def train_run(name, model_name, kind, options, epochs, clip=None, scheduler=None):
    spec = MODELS[model_name]
    model = MLP(spec)
    opt = make_optimizer(kind, model.parameters(), options)
    sched = make_one_cycle(opt, scheduler['options']) if scheduler else None
    losses, grad_norms, lrs = [], [], []
    for _ in range(epochs):
        for batch in spec['batches']:
            opt.zero_grad()
            loss = loss_fn(spec, model(torch.tensor(batch['x'])), batch['y'])
            loss.backward()
            if clip and clip['type'] == 'norm':
                norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip['maxNorm'], float(clip.get('normType', 2.0)))
                grad_norms.append(float(norm))
            elif clip and clip['type'] == 'value':
                torch.nn.utils.clip_grad_value_(model.parameters(), clip['clipValue'])
            lrs.append(opt.param_groups[0]['lr'])
            opt.step()
            if sched:
                sched.step()
            losses.append(float(loss))
    run = {
        'name': name, 'model': model_name, 'optimizer': kind, 'options': options, 'epochs': epochs,
        'clip': clip, 'scheduler': scheduler, 'losses': losses, 'lrs': lrs,
        'finalLayers': [{'weight': to_list(l.weight), 'bias': to_list(l.bias)} for l in model.linears],
    }
    if grad_norms:
        run['gradNorms'] = grad_norms
    return run


RUNS = [
    ('sgd', 'classifier', 'SGD', {'lr': 0.1}, 3),
    ('sgd_momentum', 'classifier', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weightDecay': 1e-3}, 3),
    ('sgd_nesterov', 'classifier', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 1e-3}, 3),
    ('sgd_maximize', 'regressor', 'SGD', {'lr': 0.01, 'momentum': 0.5, 'maximize': True}, 2),
    ('adam', 'classifier', 'Adam', {'lr': 1e-2}, 3),
    ('adam_l2_amsgrad', 'classifier', 'Adam',
     {'lr': 1e-2, 'betas': [0.8, 0.99], 'eps': 1e-6, 'weightDecay': 1e-2, 'amsgrad': True}, 3),
    ('adam_regressor', 'regressor', 'Adam', {'lr': 3e-2}, 4),
    ('adamw', 'classifier', 'AdamW', {'lr': 1e-2, 'weightDecay': 0.1}, 3),
    ('adamw_default_wd_amsgrad', 'regressor', 'AdamW', {'lr': 2e-2, 'amsgrad': True}, 4),
    ('rmsprop', 'classifier', 'RMSprop', {'lr': 1e-2}, 3),
    ('rmsprop_centered_momentum', 'classifier', 'RMSprop',
     {'lr': 5e-3, 'alpha': 0.95, 'eps': 1e-6, 'weightDecay': 1e-3, 'momentum': 0.9, 'centered': True}, 3),
    ('rmsprop_regressor', 'regressor', 'RMSprop', {'lr': 1e-2, 'momentum': 0.5}, 4),
]

CLIPPED_RUNS = [
    ('sgd_momentum_clip_norm', 'regressor', 'SGD', {'lr': 0.05, 'momentum': 0.9}, 4,
     {'type': 'norm', 'maxNorm': 0.5, 'normType': 2.0}),
    ('adam_clip_norm_inf', 'classifier', 'Adam', {'lr': 1e-2}, 3,
     {'type': 'norm', 'maxNorm': 0.05, 'normType': 'inf'}),
    ('sgd_clip_norm_p3', 'classifier', 'SGD', {'lr': 0.1}, 2,
     {'type': 'norm', 'maxNorm': 0.1, 'normType': 3.0}),
    ('adam_clip_value', 'classifier', 'Adam', {'lr': 1e-2}, 3, {'type': 'value', 'clipValue': 0.05}),
]

SCHEDULED_RUNS = [
    ('sgd_one_cycle', 'classifier', 'SGD', {'lr': 0.1, 'momentum': 0.9}, 3,
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.2, 'totalSteps': 12}}),
    ('adam_one_cycle_three_phase', 'classifier', 'Adam', {'lr': 1e-3}, 3,
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.02, 'epochs': 3, 'stepsPerEpoch': 4,
                                        'threePhase': True, 'annealStrategy': 'linear'}}),
]


# ------------------------------------------------------------- schedulers

GROUP_LRS = [0.1, 0.03]
LR_STEPS = 30

# Lambdas cannot be serialised; the TS test holds the same functions by name.
LAMBDAS = {
    'inverse': lambda e: 1.0 / (1.0 + 0.5 * e),
    'warmup5': lambda e: min(1.0, (e + 1) / 5.0),
}

PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.8, 0.85, 0.85, 0.85, 0.85, 0.5, 0.6, 0.6,
                   0.6, 0.6, 0.6, 0.6, 0.49, 0.495, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]


def make_scheduler(kind, opt, o):
    S = torch.optim.lr_scheduler
    if kind == 'StepLR':
        return S.StepLR(opt, step_size=o['stepSize'], gamma=o.get('gamma', 0.1))
    if kind == 'MultiStepLR':
        return S.MultiStepLR(opt, milestones=o['milestones'], gamma=o.get('gamma', 0.1))
    if kind == 'ExponentialLR':
        return S.ExponentialLR(opt, gamma=o['gamma'])
    if kind == 'CosineAnnealingLR':
        return S.CosineAnnealingLR(opt, T_max=o['tMax'], eta_min=o.get('etaMin', 0))
    if kind == 'OneCycleLR':
        return make_one_cycle(opt, o)
    if kind == 'LinearLR':
        return S.LinearLR(opt, start_factor=o.get('startFactor', 1.0 / 3), end_factor=o.get('endFactor', 1.0),
                          total_iters=o.get('totalIters', 5))
    if kind == 'LambdaLR':
        return S.LambdaLR(opt, lr_lambda=LAMBDAS[o['lrLambda']])
    if kind == 'ReduceLROnPlateau':
        return S.ReduceLROnPlateau(opt, mode=o.get('mode', 'min'), factor=o.get('factor', 0.1),
                                   patience=o.get('patience', 10), threshold=o.get('threshold', 1e-4),
                                   threshold_mode=o.get('thresholdMode', 'rel'), cooldown=o.get('cooldown', 0),
                                   min_lr=o.get('minLr', 0), eps=o.get('eps', 1e-8))
    raise ValueError(kind)


SCHEDULES = [
    ('step', 'StepLR', 'SGD', {'stepSize': 4, 'gamma': 0.5}),
    ('step_default_gamma', 'StepLR', 'SGD', {'stepSize': 7}),
    ('multistep', 'MultiStepLR', 'SGD', {'milestones': [8, 3, 8, 15], 'gamma': 0.3}),
    ('exponential', 'ExponentialLR', 'SGD', {'gamma': 0.9}),
    ('cosine_past_tmax', 'CosineAnnealingLR', 'SGD', {'tMax': 10, 'etaMin': 1e-3}),
    ('cosine', 'CosineAnnealingLR', 'SGD', {'tMax': 30}),
    ('one_cycle', 'OneCycleLR', 'SGDMomentum', {'maxLr': 0.5, 'totalSteps': 30}),
    ('one_cycle_per_group_linear', 'OneCycleLR', 'SGDMomentum',
     {'maxLr': [0.5, 0.2], 'totalSteps': 40, 'annealStrategy': 'linear', 'pctStart': 0.25,
      'divFactor': 10.0, 'finalDivFactor': 100.0}),
    ('one_cycle_three_phase_adam', 'OneCycleLR', 'Adam',
     {'maxLr': 0.01, 'epochs': 3, 'stepsPerEpoch': 10, 'threePhase': True, 'pctStart': 0.2}),
    ('one_cycle_no_momentum', 'OneCycleLR', 'SGD', {'maxLr': 0.3, 'totalSteps': 30, 'cycleMomentum': False}),
    ('linear_warmup', 'LinearLR', 'SGD', {}),
    ('linear_decay', 'LinearLR', 'SGD', {'startFactor': 1.0, 'endFactor': 0.1, 'totalIters': 20}),
    ('lambda_inverse', 'LambdaLR', 'SGD', {'lrLambda': 'inverse'}),
    ('lambda_warmup', 'LambdaLR', 'SGD', {'lrLambda': 'warmup5'}),
    ('plateau', 'ReduceLROnPlateau', 'SGD',
     {'factor': 0.5, 'patience': 2, 'threshold': 1e-2, 'cooldown': 1, 'minLr': [0.02, 0.001]}),
    ('plateau_defaults', 'ReduceLROnPlateau', 'SGD', {'patience': 3}),
    ('plateau_max_abs', 'ReduceLROnPlateau', 'SGD',
     {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.05, 'factor': 0.2, 'patience': 1, 'minLr': 0.001}),
]


def schedule_run(name, kind, opt_kind, options):
    params = [[torch.nn.Parameter(torch.zeros(1))] for _ in GROUP_LRS]
    groups = [{'params': p, 'lr': lr} for p, lr in zip(params, GROUP_LRS)]
    if opt_kind == 'SGD':
        opt = torch.optim.SGD(groups, lr=GROUP_LRS[0])
    elif opt_kind == 'SGDMomentum':
        opt = torch.optim.SGD(groups, lr=GROUP_LRS[0], momentum=0.9)
    else:
        opt = torch.optim.Adam(groups, lr=GROUP_LRS[0])
    sched = make_scheduler(kind, opt, options)
    lrs = [[g['lr'] for g in opt.param_groups]]
    momenta = [[momentum_of(g) for g in opt.param_groups]]
    metrics = PLATEAU_METRICS if kind == 'ReduceLROnPlateau' else None
    for i in range(LR_STEPS if kind != 'OneCycleLR' else sched.total_steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        momenta.append([momentum_of(g) for g in opt.param_groups])
    out = {'name': name, 'scheduler': kind, 'optimizer': opt_kind, 'groupLrs': GROUP_LRS,
           'options': options, 'lrs': lrs}
    if kind == 'OneCycleLR':
        out['momenta'] = momenta
    if metrics is not None:
        out['metrics'] = metrics
    return out


def momentum_of(group):
    return group['betas'][0] if 'betas' in group else group.get('momentum', 0.0)


def main():
    runs = [train_run(n, m, k, o, e) for (n, m, k, o, e) in RUNS]
    runs += [train_run(n, m, k, o, e, clip=c) for (n, m, k, o, e, c) in CLIPPED_RUNS]
    runs += [train_run(n, m, k, o, e, scheduler=s) for (n, m, k, o, e, s) in SCHEDULED_RUNS]
    schedules = [schedule_run(*s) for s in SCHEDULES]
    fixture = {
        'meta': {
            'generator': 'scripts/pytorch_reference.py',
            'torch': torch.__version__,
            'python': sys.version.split()[0],
            'dtype': 'float32',
            'seed': 0,
            'note': 'Linear weights are PyTorch layout [out, in]; tfjs dense kernels are [in, out]. '
                    'losses[i] is the loss of step i before its update; lrs[i] the LR used by it.',
        },
        'models': MODELS,
        'runs': runs,
        'schedules': schedules,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # Infinity is not JSON, so the inf-norm run names its normType as the string 'inf'.
    text = json.dumps(fixture, allow_nan=False, separators=(',', ':'))
    with open(OUT, 'w') as f:
        f.write(text + '\n')
    print('wrote', OUT, len(text), 'bytes,', len(runs), 'runs,', len(schedules), 'schedules')


if __name__ == '__main__':
    main()

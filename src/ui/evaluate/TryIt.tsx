import { useEffect, useRef, useState } from 'react';
import { predict, useStore } from '../../store';
import type { DatasetReport } from '../../worker/protocol';
import { formatMetric } from '../format';
import { grayOf, mnistFromDrawing, rgbaOf } from './mnist-draw';

const PAD = 196;

/**
 * A black square to draw a white digit on, as MNIST digits are written. The
 * drawing is prepared as MNIST's were (see mnist-draw.ts) and the 28×28 image
 * the model sees is shown beside it; each stroke's end asks for a prediction.
 */
function DrawPad() {
  const ref = useRef<HTMLCanvasElement>(null);
  const seen = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const clear = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, PAD, PAD);
    seen.current?.getContext('2d')?.clearRect(0, 0, 28, 28);
  };
  useEffect(clear, []);
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * PAD) / r.width, ((e.clientY - r.top) * PAD) / r.height] as const;
  };
  const stroke = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const ctx = e.currentTarget.getContext('2d')!;
    const [x, y] = at(e);
    ctx.lineTo(x, y);
    ctx.stroke();
  };
  const send = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.getImageData(0, 0, PAD, PAD);
    const rgba = rgbaOf(mnistFromDrawing(grayOf(img.data, PAD, PAD)));
    seen.current?.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba), 28, 28), 0, 0);
    void predict({ kind: 'pixels', width: 28, height: 28, rgba });
  };
  return (
    <div className="draw">
      <canvas
        ref={ref}
        width={PAD}
        height={PAD}
        data-testid="eval.draw"
        aria-label="Draw a digit here"
        style={{ touchAction: 'none' }}
        onPointerDown={(e) => {
          drawing.current = true;
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.strokeStyle = '#fff';
          ctx.lineWidth = 16;
          ctx.lineCap = 'round';
          ctx.lineJoin = 'round';
          const [x, y] = at(e);
          ctx.beginPath();
          ctx.moveTo(x, y);
        }}
        onPointerMove={stroke}
        onPointerUp={() => {
          drawing.current = false;
          send(); // live: each stroke's end predicts
        }}
        onPointerLeave={() => {
          drawing.current = false;
        }}
      />
      <figure className="seen">
        <canvas ref={seen} width={28} height={28} data-testid="eval.draw.seen" aria-label="The 28×28 image the model sees" />
        <figcaption className="muted small">what the model sees (28×28, centred as MNIST)</figcaption>
      </figure>
      <div className="buttons">
        <button type="button" className="primary" data-testid="eval.predict" onClick={send}>
          Predict
        </button>
        <button type="button" data-testid="eval.clear" onClick={clear}>
          Clear
        </button>
      </div>
    </div>
  );
}

type Input = NonNullable<DatasetReport['table']>['inputs'][number];

/** One "Try it" field: a list for categories and yes/no, a date picker for dates, text for numbers. */
function Field({ f, value, set, error }: { f: Input; value: string; set: (v: string) => void; error: string | null }) {
  const id = `eval.feature.${f.column}`;
  if (f.kind === 'categorical' || f.read === 'boolean') {
    const options = f.kind === 'categorical' ? f.categories! : ['yes', 'no'];
    return (
      <select data-testid={id} value={value} onChange={(e) => set(e.target.value)}>
        <option value="">(missing)</option>
        {options.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  }
  const date = f.read === 'date';
  return (
    <>
      <input
        data-testid={id}
        type={date ? 'date' : 'text'}
        inputMode={date ? undefined : 'decimal'}
        value={value}
        placeholder={date ? 'date' : 'number'}
        aria-invalid={error ? true : undefined}
        onChange={(e) => set(e.target.value)}
      />
      {error && (
        <span className="field-error" role="alert" data-testid={`${id}.error`}>
          {error}
        </span>
      )}
    </>
  );
}

function Features({ report }: { report: DatasetReport }) {
  const inputs = report.table?.inputs ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const field = useStore((s) => s.predictionField);
  const error = useStore((s) => s.predictionError);
  return (
    <div className="features">
      {inputs.map((f) => (
        <label key={f.column} className="field">
          <span>{f.column}</span>
          <Field f={f} value={values[f.column] ?? ''} set={(v) => setValues({ ...values, [f.column]: v })} error={field === f.column ? error : null} />
        </label>
      ))}
      <button type="button" className="primary" data-testid="eval.predict" onClick={() => void predict({ kind: 'features', values })}>
        Predict
      </button>
    </div>
  );
}

function Result() {
  const p = useStore((s) => s.prediction);
  const error = useStore((s) => s.predictionError);
  const busy = useStore((s) => s.predicting);
  const field = useStore((s) => s.predictionField);
  // An unreadable field is shown at the field itself.
  if (error && field) return null;
  if (error) return <p className="error" role="alert" data-testid="eval.prediction-error">{error}</p>;
  if (busy) return <p className="muted">Predicting…</p>;
  if (!p) return null;
  if (p.task === 'regression') return <p data-testid="eval.prediction">Predicted value: {formatMetric(p.value ?? NaN)}</p>;
  const order = p.probabilities.map((q, k) => [q, k] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
  return (
    <div className="prediction">
      <p data-testid="eval.prediction">
        Predicted: <strong>{p.labels[p.predicted]}</strong> ({(100 * p.probabilities[p.predicted]!).toFixed(1)}%)
      </p>
      <ul className="balance">
        {order.map(([q, k]) => (
          <li key={k}>
            <span className="bar" style={{ width: `${100 * q}%` }} />
            <span>
              {p.labels[k]} <span className="muted">{(100 * q).toFixed(1)}%</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TryIt({ report }: { report: DatasetReport }) {
  return (
    <div className="try" data-testid="eval.try">
      <h3>Try it</h3>
      <div className="try-body">
        {report.kind === 'image' ? (
          <div>
            {report.name === 'mnist' || report.image?.channels === 1 ? <DrawPad /> : null}
            <label className="field">
              <span>…or an image file</span>
              <input
                type="file"
                accept="image/*"
                data-testid="eval.image"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void f.arrayBuffer().then((bytes) => predict({ kind: 'image', name: f.name, bytes }));
                }}
              />
            </label>
          </div>
        ) : (
          <Features report={report} />
        )}
        <Result />
      </div>
    </div>
  );
}

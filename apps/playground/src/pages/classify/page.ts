// Classification: a bidirectional GRU or LSTM sentiment classifier trains in the worker on the bundled UCI
// sentences; the trained classifier comes back to the page, which classifies what the user types as they type.
import { jsBackend } from '@rnn/backend-js';
import { EntityTagger, TextClassifier } from '@rnn/nlp';
import { ModelBar } from '../../models/model-bar.js';
import { networkName } from '../../models/network.js';
import type { Page, PageContext } from '../../shell/page.js';
import { divergingColor } from '../../ui/colors.js';
import { fmt, h } from '../../ui/dom.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import type { TrainedTagger } from './ner-task.js';
import type { TrainedSentiment } from './task.js';
import { splitTokens } from './tokens.js';

const EXAMPLES = ['The battery lasts all day and the screen is gorgeous.', 'Worst service ever, the food was cold.', 'Not bad at all!'];

export const classifyPage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const backend = jsBackend();
    let clf: TextClassifier | null = null;

    const cellSelect = h('select', { name: 'cell' }, h('option', { value: 'gru' }, 'GRU'), h('option', { value: 'lstm' }, 'LSTM'));
    const hidden = h('input', { type: 'number', name: 'hiddenSize', value: '16', min: 1, step: 1 });
    const embed = h('input', { type: 'number', name: 'embeddingSize', value: '16', min: 1, step: 1 });
    const steps = h('input', { type: 'number', name: 'steps', value: ctx.params.steps ?? '400', min: 1, step: 1 });
    const modelNote = h('p', { class: 'note model-note', 'data-model': 'none' }, 'Train the classifier first.');
    const sentence = h('input', { name: 'sentence', size: 70, value: EXAMPLES[0] });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const verdict = h('div', { class: 'verdict' });
    const why = h('div', { class: 'why' });

    const classify = (): void => {
      if (!clf) return;
      error.hidden = true;
      try {
        const [c] = clf.classify([sentence.value]);
        verdict.dataset.label = c!.label;
        verdict.replaceChildren(
          ...clf.labels.map((label, i) => {
            const p = c!.probabilities[i]!;
            return h(
              'div',
              { class: 'bar-row', 'data-label': label, 'data-probability': p },
              h('span', { class: 'bar-label' }, label),
              h('span', { class: `bar ${label}`, style: `width:${(p * 100).toFixed(1)}%` }),
              h('span', { class: 'mono' }, fmt(p, 3)),
            );
          }),
        );
        explain();
      } catch (e) {
        verdict.replaceChildren();
        why.replaceChildren();
        error.textContent = e instanceof Error ? e.message : String(e); // e.g. an empty sentence
        error.hidden = false;
      }
    };
    /** Colours each word by how much it pushes the prediction towards its label (TextClassifier.explain). */
    const explain = (): void => {
      const e = clf!.explain(sentence.value);
      const limit = Math.max(1e-12, ...e.saliency.map(Math.abs));
      const words = e.tokens.flatMap((token, t) => {
        const v = e.saliency[t]!;
        const word = h(
          'span',
          { class: 'saliency-token', 'data-saliency': v, title: `${token}: ${fmt(v, 4)}`, style: `background:${divergingColor(v, limit)}` },
          token,
        );
        return t === 0 ? [word] : [' ', word];
      });
      why.dataset.label = e.label;
      why.replaceChildren(
        h('p', { class: 'saliency' }, ...words),
        h(
          'p',
          { class: 'note' },
          `Why “${e.label}”: each word coloured by how much it pushes the prediction towards “${e.label}” (red) or away from it (blue): `,
          'gradient × input of the log-probability at the word’s embedding, through the recurrent layer (TextClassifier.explain, on Sequential.inputGradient). Hover a word for its value.',
        ),
      );
    };
    sentence.addEventListener('input', classify);
    const useExample = (text: string): void => {
      sentence.value = text;
      classify();
    };

    const panel = new TrainingPanel(ctx.training, {
      spec: () => ({
        task: 'sentiment',
        backend: ctx.backend(),
        steps: Number(steps.value),
        params: { cell: cellSelect.value, hiddenSize: Number(hidden.value), embeddingSize: Number(embed.value) },
      }),
      onResult: (result) => {
        const trained = result as TrainedSentiment;
        clf?.dispose();
        clf = TextClassifier.load(backend, trained.files);
        modelNote.textContent = `Trained ${trained.steps} steps; on ${trained.tested} held-out sentences: accuracy ${fmt(trained.accuracy * 100, 3)}%, macro F1 ${fmt(trained.macroF1 * 100, 3)}%.`;
        modelNote.dataset.model = 'trained';
        modelNote.dataset.accuracy = String(trained.accuracy);
        const title = `${networkName(clf.model)} · sentiment · ${trained.steps} steps · ${fmt(trained.accuracy * 100, 3)}% accuracy`;
        void bar.trained({ title, bytes: clf.toBytes() });
        classify();
      },
    });
    const bar = new ModelBar({
      kind: 'sentiment',
      open: ({ title, bytes }) => {
        const next = TextClassifier.fromBytes(backend, bytes); // a bad file throws here, the current model stays
        clf?.dispose();
        clf = next;
        modelNote.textContent = `Opened ${title}: ${networkName(clf.model)}, labels ${clf.labels.join(', ')}.`;
        modelNote.dataset.model = 'opened';
        classify();
      },
    });

    // named entities: a second model and panel on the same page
    let tagger: EntityTagger | null = null;
    const nerSteps = h('input', { type: 'number', name: 'nerSteps', value: '300', min: 1, step: 1 });
    const nerHidden = h('input', { type: 'number', name: 'nerHiddenSize', value: '32', min: 1, step: 1 });
    const nerNote = h('p', { class: 'note ner-note', 'data-model': 'none' }, 'Train the tagger first.');
    const nerSentence = h('input', { name: 'nerSentence', size: 70, value: 'Maria flew from Boston to Paris with Air France on Monday .' });
    const nerError = h('p', { class: 'error ner-error', role: 'alert', hidden: true });
    const tagged = h('div', { class: 'tagged' });
    const tag = (): void => {
      if (!tagger) return;
      nerError.hidden = true;
      try {
        const tokens = splitTokens(nerSentence.value);
        const tags = tagger.predict([tokens])[0]!;
        tagged.replaceChildren(
          ...tokens.flatMap((token, i) => {
            const t = tags[i]!;
            const type = t === 'O' ? '' : t.slice(2);
            return [
              h(
                'span',
                { class: `token${type ? ` entity ${type}` : ''}`, 'data-tag': t, title: t },
                token,
                type && t.startsWith('B-') ? h('sub', {}, type) : null,
              ),
              ' ',
            ];
          }),
        );
      } catch (e) {
        tagged.replaceChildren();
        nerError.textContent = e instanceof Error ? e.message : String(e); // e.g. nothing to tag
        nerError.hidden = false;
      }
    };
    nerSentence.addEventListener('input', tag);
    const nerPanel = new TrainingPanel(ctx.training, {
      spec: () => ({ task: 'ner', backend: ctx.backend(), steps: Number(nerSteps.value), params: { hiddenSize: Number(nerHidden.value) } }),
      onResult: (result) => {
        const trained = result as TrainedTagger;
        tagger?.dispose();
        tagger = EntityTagger.fromBytes(backend, trained.bytes);
        nerNote.textContent = `Trained ${trained.steps} steps; on ${trained.tested} held-out sentences (conlleval): F1 ${fmt(trained.f1, 3)}%, precision ${fmt(trained.precision, 3)}%, recall ${fmt(trained.recall, 3)}%.`;
        nerNote.dataset.model = 'trained';
        nerNote.dataset.f1 = String(trained.f1);
        void nerBar.trained({
          title: `${networkName(tagger.model)} · entities · ${trained.steps} steps · F1 ${fmt(trained.f1, 3)}%`,
          bytes: trained.bytes,
        });
        tag();
      },
    });
    const nerBar = new ModelBar({
      kind: 'tagger',
      open: ({ title, bytes }) => {
        const next = EntityTagger.fromBytes(backend, bytes); // a bad file throws here, the current model stays
        tagger?.dispose();
        tagger = next;
        nerNote.textContent = `Opened ${title}: tags ${tagger.tags.join(', ')}.`;
        nerNote.dataset.model = 'opened';
        tag();
      },
    });
    nerPanel.element.classList.add('ner-panel');

    root.append(
      h('h2', {}, 'Classification'),
      h(
        'p',
        {},
        'Sentiment: an embedding, a bidirectional recurrent layer read over the words, max-pooling over the valid steps and a softmax over negative / positive ',
        '(@rnn/nlp’s TextClassifier), trained in the worker on 2,700 of the 3,000 UCI “Sentiment Labelled Sentences” (Amazon, IMDb, Yelp reviews) in batches of 32; ',
        'the other 300 are held out to score it. Then type a sentence: it is classified on this page as you type.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'cell ', cellSelect),
        h('label', {}, 'hidden units ', hidden),
        h('label', {}, 'embedding size ', embed),
        h('label', {}, 'training steps ', steps),
      ),
      panel.element,
      modelNote,
      h('label', { class: 'block' }, 'sentence ', sentence),
      h(
        'p',
        { class: 'note' },
        'Try: ',
        ...EXAMPLES.flatMap((x) => [h('button', { type: 'button', class: 'example', onClick: () => useExample(x) }, x), ' ']),
      ),
      error,
      verdict,
      why,
      bar.element, // after the page's own errors: the model bar's error is another p.error
      h('h3', {}, 'Named entities'),
      h(
        'p',
        {},
        'Tagging: @rnn/nlp’s EntityTagger (each word’s embedding and a character BiLSTM over its letters, a BiLSTM over the sentence, IOB2-constrained Viterbi decoding) ',
        'trained in the worker on 800 sentences of the Universal NER English-EWT dev file (PER, ORG, LOC), one batch of 16 sentences per step; 200 others are held out. ',
        'This is too little, too short, for a useful tagger: a step takes about 0.1 s on js, and after 300 steps (half a minute) the held-out F1 is only about 5% ',
        '(it finds few entities); the @rnn/nlp NER example trains on the full 12,500-sentence training file for minutes. The page shows the pipeline working end to end. ',
        'Words are split at spaces and punctuation.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'hidden units ', nerHidden),
        h('label', {}, 'training steps ', nerSteps),
      ),
      nerPanel.element,
      nerNote,
      h('label', { class: 'block' }, 'sentence ', nerSentence),
      nerError,
      tagged,
      nerBar.element,
    );

    void bar.openFromRoute(ctx.params);
    void nerBar.openFromRoute(ctx.params);

    return () => {
      panel.stop();
      nerPanel.stop();
      clf?.dispose();
      tagger?.dispose();
      backend.dispose();
    };
  },
};

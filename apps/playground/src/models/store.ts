// Recent models in IndexedDB: every model a page trains is kept with its kind, title, date and size, the
// RECENT_LIMIT newest only. A save is one transaction (the record and the evictions it causes): it lands whole
// or not at all. Without IndexedDB (some private modes) the store is unavailable and the pages say so.
import { InvalidArgumentError } from '@rnn/core';

export const RECENT_LIMIT = 10;
const DB_NAME = 'rnn-playground';
const DB_VERSION = 1;
const STORE = 'models';

export interface ModelInfo {
  /** Increasing with every save: a larger id is a newer model. */
  id: number;
  kind: string;
  title: string;
  /** Milliseconds since the epoch. */
  savedAt: number;
  /** Bytes of the model file. */
  size: number;
}

export interface StoredModel extends ModelInfo {
  bytes: Uint8Array;
}

export interface NewModel {
  kind: string;
  title: string;
  bytes: Uint8Array;
}

/** The ids to delete so that at most `limit` remain, the oldest (smallest ids) first. */
export function evictions(ids: readonly number[], limit: number = RECENT_LIMIT): number[] {
  const sorted = [...ids].sort((a, b) => a - b);
  return sorted.slice(0, Math.max(0, sorted.length - limit));
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/** Resolves when the transaction has committed; rejects with its error when it aborts. */
const committed = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });

const info = ({ id, kind, title, savedAt, size }: StoredModel): ModelInfo => ({ id, kind, title, savedAt, size });

export class ModelStore {
  constructor(private readonly db: IDBDatabase) {}

  /** Keeps `model` as the newest recent model (evicting the oldest beyond RECENT_LIMIT) in one transaction. */
  async save(model: NewModel): Promise<ModelInfo> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const ok = committed(tx);
    const store = tx.objectStore(STORE);
    const record = { kind: model.kind, title: model.title, savedAt: Date.now(), size: model.bytes.length, bytes: model.bytes };
    let id: number;
    try {
      id = (await done(store.add(record))) as number;
      const ids = (await done(store.getAllKeys())) as number[];
      for (const old of evictions(ids)) store.delete(old);
    } catch (e) {
      try {
        tx.abort(); // roll back what this save wrote so far
      } catch {
        // a failed request has aborted it already
      }
      await ok.catch(() => {});
      throw e;
    }
    await ok;
    return { id, kind: record.kind, title: record.title, savedAt: record.savedAt, size: record.size };
  }

  /** The recent models, newest first (without their bytes). */
  async list(): Promise<ModelInfo[]> {
    const tx = this.db.transaction(STORE, 'readonly');
    const all = (await done(tx.objectStore(STORE).getAll())) as StoredModel[];
    return all.map(info).sort((a, b) => b.id - a.id);
  }

  async get(id: number): Promise<StoredModel> {
    const tx = this.db.transaction(STORE, 'readonly');
    const model = (await done(tx.objectStore(STORE).get(id))) as StoredModel | undefined;
    if (!model) throw new InvalidArgumentError('model', 'the id of a recent model (it may have been deleted or evicted)', id);
    return model;
  }

  async delete(id: number): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(id);
    await committed(tx);
  }
}

export type StoreState = { store: ModelStore } | { unavailable: string };

let opening: Promise<StoreState> | null = null;

/** The recent-models store, opened once per tab; `unavailable` says why when IndexedDB cannot be used. */
export function openModelStore(): Promise<StoreState> {
  opening ??= new Promise<StoreState>((resolve) => {
    const unavailable = (why: unknown) =>
      resolve({ unavailable: `IndexedDB cannot be used here (${why instanceof Error ? why.message : String(why)})` });
    if (typeof indexedDB === 'undefined') return unavailable('the browser offers none, as in some private modes');
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (e) {
      return unavailable(e); // e.g. a SecurityError
    }
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    };
    request.onsuccess = () => resolve({ store: new ModelStore(request.result) });
    request.onerror = () => unavailable(request.error ?? 'IndexedDB could not be opened');
    request.onblocked = () => unavailable('the database is blocked by another tab');
  });
  return opening;
}

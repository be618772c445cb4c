// PyTorch interop: safetensors files and the state_dict layout of nn.RNN / nn.LSTM / nn.GRU, nn.Embedding
// and nn.Linear. File helpers are in ./node.ts.
export {
  modelFromTorch,
  type TorchArchitecture,
  type TorchLinearSpec,
  type TorchModelOptions,
  type TorchRnnSpec,
  torchLayers,
} from './build.js';
export {
  readSafetensors,
  SAFETENSORS_DTYPES,
  type Safetensors,
  type SafetensorsDType,
  type StoredTensor,
  type TensorArray,
  type TensorInput,
  writeSafetensors,
} from './safetensors.js';
export {
  loadTorchStateDict,
  type StateDictInput,
  type TorchExportOptions,
  type TorchLoadOptions,
  type TorchModuleNames,
  type TorchNaming,
  toTorchStateDict,
} from './state-dict.js';

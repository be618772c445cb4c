export { connectedDigits, type Recording, type SplitOptions, splitRecordings, type Utterance } from './connected.js';
export { DigitRecognizer, type RecognizerOptions, type Scores } from './recognizer.js';

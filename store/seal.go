package store

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Every value zoomqos stores in a meeting's bucket (schema 2 on) is sealed:
//
//	byte      sealMark (2)
//	payload   the record (sample values, session or meeting JSON, counts,
//	          raw document, raw-sum entry)
//	4 bytes   CRC-32C (Castagnoli), little-endian, of the meeting id, the
//	          record's key and the payload
//
// bbolt checks its own page structure, not what pages hold: a flipped bit
// in a sample page used to change a stored value silently (a jitter of 8 ms
// read back as 24). With the seal, every read of a record checks it, and a
// record moved under another key or into another meeting fails its check
// too. CRC-32C runs in hardware on amd64 and arm64, so the check costs a
// few nanoseconds a sample.
//
// Files of schema 1 hold the same payloads unsealed (legacyPayload); they
// are read as they are and sealed by the migration to schema 2.
const (
	sealMark = 2
	sealSize = 1 + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errSeal: a record's check failed; the record was changed after it was
// written, or is not where it was written.
var errSeal = errors.New("checksum mismatch: the stored record was changed after it was written")

// sealer seals and checks the records of one meeting.
type sealer struct {
	seed uint32 // CRC-32C of the meeting id
	// legacy accepts unsealed records (a schema 1 file, read before its
	// migration).
	legacy bool
}

func newSealer(meetingID string, legacy bool) sealer {
	return sealer{seed: crc32.Update(0, castagnoli, []byte(meetingID)), legacy: legacy}
}

// sum is the CRC of the record's key and payload, from the meeting's seed.
func (s sealer) sum(key, payload []byte) uint32 {
	return crc32.Update(crc32.Update(s.seed, castagnoli, key), castagnoli, payload)
}

// seal appends the sealed form of payload under key to dst.
func (s sealer) seal(dst, key, payload []byte) []byte {
	dst = append(dst, sealMark)
	dst = append(dst, payload...)
	return binary.LittleEndian.AppendUint32(dst, s.sum(key, payload))
}

// sealed returns payload sealed under key, in a new slice.
func (s sealer) sealed(key, payload []byte) []byte {
	return s.seal(make([]byte, 0, len(payload)+sealSize), key, payload)
}

// open checks a sealed record and returns its payload, which shares v's
// memory. formatted says the record's schema 1 form began with a format
// byte of 1 (samples and raw documents) rather than being the payload
// itself.
func (s sealer) open(key, v []byte, formatted bool) ([]byte, error) {
	if len(v) >= sealSize && v[0] == sealMark {
		p := v[1 : len(v)-4]
		if binary.LittleEndian.Uint32(v[len(v)-4:]) != s.sum(key, p) {
			return nil, errSeal
		}
		return p, nil
	}
	if s.legacy {
		return legacyPayload(v, formatted)
	}
	if v == nil {
		return nil, errors.New("record missing")
	}
	return nil, errors.New("record not sealed")
}

// legacyPayload returns the payload of a schema 1 record.
func legacyPayload(v []byte, formatted bool) ([]byte, error) {
	if !formatted {
		if v == nil {
			return nil, errors.New("record missing")
		}
		return v, nil
	}
	if len(v) == 0 || v[0] != 1 {
		return nil, errors.New("unknown record format")
	}
	return v[1:], nil
}

// under returns the sealer of the records whose keys begin with prefix, to
// be given only the rest of each key: the sums are the same, and a
// session's samples do not each hash the session's key again.
func (s sealer) under(prefix []byte) sealer {
	return sealer{seed: crc32.Update(s.seed, castagnoli, prefix), legacy: s.legacy}
}

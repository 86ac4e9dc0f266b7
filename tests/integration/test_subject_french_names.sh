#!/bin/bash
# A French customer's callers (black-box report bb5): names written the
# ways a French recorder writes them, on one phone line each, name one
# data subject when they are one person and two when they are two, so
# that one person's Art. 15 export holds all their calls and no one
# else's.  Before schema 16, Monsieur and Madame were read as first
# names, "Mme Morel" was the "M. Morel" of the same line (both "m
# morel"), ’ was no ', and "LEFEBVRE François" was a Mr Francois.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# Control: English forms of address of two people on one line stay apart.
numbered_call "Mrs Berg" "+358401110001"
numbered_call "Mr Berg" "+358401110001"
two_subjects "Mrs Berg and Mr Berg on one line are two subjects"

# The typographic apostrophe (U+2019) and the ASCII one are one name.
numbered_call "Jean-Luc d’Arbois" "+358401110002"
numbered_call "Jean-Luc d'Arbois" "+358401110002"
same_subject "Jean-Luc d’Arbois and Jean-Luc d'Arbois are one subject"

# Madame and Monsieur are forms of address, not given names.
numbered_call "Madame Martine Roux" "+358401110003"
numbered_call "Martine Roux" "+358401110003"
same_subject "Madame Martine Roux and Martine Roux are one subject"
numbered_call "Monsieur Paul Roux" "+358401110004"
numbered_call "Paul Roux" "+358401110004"
same_subject "Monsieur Paul Roux and Paul Roux are one subject"

# M. is Monsieur, Mme is Madame: a couple on the household line.
numbered_call "Mme Morel" "+358401110005"
numbered_call "M. Morel" "+358401110005"
two_subjects "Mme Morel and M. Morel on one line are two subjects"

numbered_call "M. Dupont" "+358401110006"
numbered_call "Mme Dupont" "+358401110006"
two_subjects "M. Dupont and then Mme Dupont on one line are two subjects"

# The family name first in capitals, as French forms write it.
numbered_call "LEFEBVRE François" "+358401110007"
numbered_call "François Lefebvre" "+358401110007"
same_subject "LEFEBVRE François and François Lefebvre are one subject"
numbered_call "Anne LEFEBVRE" "+358401110007"
two_subjects "Anne LEFEBVRE on that line is someone else"

t_done

#!/bin/bash
# French forms of address written two ways, and a form of address before
# a family name first in capitals, name one person (atk19): "Madame
# Morel" and "Mme Morel" (one form for the languages: "mrs morel"),
# "Mademoiselle Roux" and "Mlle Roux", "Mme DUPONT Marie" and "Marie
# Dupont", "Monsieur GIRARD Paul" and "Paul Girard".  Before, each pair was
# two subjects, and one person's objection and Art. 15 export missed calls.
# Not built: the French "M." is read as an initial, as "M. Meikäläinen"
# is, so "M. Leroy" and "Monsieur Leroy" stay two subjects, and "M. Morel"
# on Martine Morel's line goes to her (the initial rule); recfs-manifest(5)
# says so.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# Control: the form the change was made for.
numbered_call "Jean Dupont" "+33612340001"
numbered_call "DUPONT Jean" "+33612340001"
same_subject "control: Jean Dupont and DUPONT Jean are one subject"

# One form of address, abbreviated and written out.
numbered_call "Madame Morel" "+33612340002"
numbered_call "Mme Morel" "+33612340002"
same_subject "Madame Morel and Mme Morel on her line are one subject"
numbered_call "Mademoiselle Roux" "+33612340004"
numbered_call "Mlle Roux" "+33612340004"
same_subject "Mademoiselle Roux and Mlle Roux on her line are one subject"

# The administrative form with a form of address in front.
numbered_call "Marie Dupont" "+33612340005"
numbered_call "Mme DUPONT Marie" "+33612340005"
same_subject "Marie Dupont and Mme DUPONT Marie on her line are one subject"
numbered_call "Paul Girard" "+33612340006"
numbered_call "Monsieur GIRARD Paul" "+33612340006"
same_subject "Paul Girard and Monsieur GIRARD Paul on his line are one subject"

numbered_call "Madame Martine Morel" "+33612340008"
numbered_call "Monsieur Morel" "+33612340008"
two_subjects "control: Madame Martine Morel and then Monsieur Morel are two subjects"

t_done
